import React from 'react';
import './ReviewCards.css';

export default function ReviewCards({ eyebrow, title, subtitle, items = [] }) {
  return (
    <section className="section" aria-labelledby="review-cards-title">
      <div className="section__inner">
        <header className="section__header">
          {eyebrow && <p className="section__eyebrow">{eyebrow}</p>}
          <h2 id="review-cards-title" className="section__title">{title}</h2>
          {subtitle && <p className="section__subtitle">{subtitle}</p>}
        </header>
        <ul className="review-cards">
          {items.map((item) => (
            <li key={item.name}>
              <figure className="review-cards__card">
                <blockquote><p>{item.quote}</p></blockquote>
                <figcaption><strong>{item.name}</strong>{item.role && <span>{item.role}</span>}</figcaption>
              </figure>
            </li>
          ))}
        </ul>
      </div>
    </section>
  );
}
