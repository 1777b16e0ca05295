import React from 'react';
import './TestimonialsCards.css';

const DEFAULT_TESTIMONIALS = [
  { quote: 'They understood exactly what we needed. Our bookings doubled within two months of launching the new site.', name: 'Amelia Hart', role: 'Owner, Hart & Crumb Bakery', rating: 5 },
  { quote: 'Clear, friendly and fast. Every question got an answer the same day, and the result looks fantastic on phones.', name: 'Daniel Okafor', role: 'Founder, Northside Physio', rating: 5 },
  { quote: 'Our customers keep telling us how easy it is to find what they need. That’s the best compliment we could ask for.', name: 'Sofia Marquez', role: 'Manager, Casa Verde', rating: 5 },
];

function initials(name) {
  return name
    .split(' ')
    .map((part) => part[0])
    .join('')
    .slice(0, 2)
    .toUpperCase();
}

export default function TestimonialsCards({
  eyebrow = 'Testimonials',
  title = 'Loved by customers',
  subtitle = 'Don’t just take our word for it: here’s what people say.',
  testimonials = DEFAULT_TESTIMONIALS,
}) {
  return (
    <section className="testimonials-cards" aria-labelledby="testimonials-cards-title">
      <div className="testimonials-cards__inner">
        <header className="testimonials-cards__header">
          {eyebrow && <p className="testimonials-cards__eyebrow">{eyebrow}</p>}
          <h2 id="testimonials-cards-title" className="testimonials-cards__title">{title}</h2>
          {subtitle && <p className="testimonials-cards__subtitle">{subtitle}</p>}
        </header>
        <ul className="testimonials-cards__list">
          {testimonials.map((item, index) => (
            <li className="testimonials-cards__card" key={item.name}>
              <figure className="testimonials-cards__figure">
                {item.rating > 0 && (
                  <div className="testimonials-cards__stars" role="img" aria-label={`Rated ${item.rating} out of 5`}>
                    {Array.from({ length: 5 }, (_, i) => (
                      <svg key={i} viewBox="0 0 20 20" aria-hidden="true" focusable="false" className={i < item.rating ? 'is-on' : undefined}>
                        <path d="m10 1.8 2.5 5.2 5.7.7-4.2 3.9 1.1 5.6L10 14.4l-5.1 2.8L6 11.6 1.8 7.7l5.7-.7z" />
                      </svg>
                    ))}
                  </div>
                )}
                <blockquote className="testimonials-cards__quote">
                  <p>{item.quote}</p>
                </blockquote>
                <figcaption className="testimonials-cards__person">
                  <span className={`testimonials-cards__avatar testimonials-cards__avatar--${index % 3}`} aria-hidden="true">
                    {initials(item.name)}
                  </span>
                  <span>
                    <span className="testimonials-cards__name">{item.name}</span>
                    <span className="testimonials-cards__role">{item.role}</span>
                  </span>
                </figcaption>
              </figure>
            </li>
          ))}
        </ul>
      </div>
    </section>
  );
}
