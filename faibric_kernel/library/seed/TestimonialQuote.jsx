import React, { useState } from 'react';
import './TestimonialQuote.css';

const DEFAULT_QUOTES = [
  { quote: 'The best decision we made this year. The new site paid for itself in the first month.', name: 'Priya Natarajan', role: 'Director, Bloom Yoga' },
  { quote: 'Professional, patient and genuinely creative. I recommend them to everyone who asks.', name: 'Marcus Bell', role: 'Chef-owner, Ember Kitchen' },
  { quote: 'Finally a website we are proud to share. Enquiries went up the week we launched.', name: 'Hannah Lindqvist', role: 'Partner, Lindqvist Law' },
];

export default function TestimonialQuote({
  title = 'What our clients say',
  quotes = DEFAULT_QUOTES,
}) {
  const [index, setIndex] = useState(0);
  const item = quotes[index] || quotes[0];
  return (
    <section className="testimonial-quote" aria-labelledby="testimonial-quote-title">
      <div className="testimonial-quote__inner">
        <h2 id="testimonial-quote-title" className="testimonial-quote__title">{title}</h2>
        <svg className="testimonial-quote__mark" viewBox="0 0 48 36" aria-hidden="true" focusable="false">
          <path d="M0 36V22C0 9.6 6.4 2.3 19 0l2 5.4C14 7.2 10.6 11 10.2 16H19v20zm27 0V22C27 9.6 33.4 2.3 46 0l2 5.4C41 7.2 37.6 11 37.2 16H46v20z" />
        </svg>
        <figure className="testimonial-quote__figure" key={item.name} aria-live="polite">
          <blockquote className="testimonial-quote__quote"><p>{item.quote}</p></blockquote>
          <figcaption className="testimonial-quote__cite">
            <span className="testimonial-quote__name">{item.name}</span>
            <span className="testimonial-quote__role">{item.role}</span>
          </figcaption>
        </figure>
        {quotes.length > 1 && (
          <div className="testimonial-quote__nav" role="group" aria-label="Choose a testimonial">
            {quotes.map((q, i) => {
              const short = q.name.split(' ').map((p) => p[0]).join('');
              return (
              <button
                key={q.name}
                type="button"
                className="testimonial-quote__pick"
                aria-pressed={i === index}
                aria-label={`${short}: testimonial from ${q.name}`}
                onClick={() => setIndex(i)}
              >
                {short}
              </button>
              );
            })}
          </div>
        )}
      </div>
    </section>
  );
}
