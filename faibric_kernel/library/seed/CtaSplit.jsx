import React from 'react';
import './CtaSplit.css';

export default function CtaSplit({
  eyebrow = 'Limited offer',
  title = 'Your first visit is on us',
  text = 'Book before the end of the month and enjoy a free introductory session with one of our specialists.',
  points = ['No commitment', 'Flexible times', 'Friendly experts'],
  ctaLabel = 'Claim your free visit',
  ctaHref = '#booking',
  finePrint = 'New customers only. One per person.',
}) {
  return (
    <section className="cta-split" aria-labelledby="cta-split-title">
      <div className="cta-split__inner">
        <div className="cta-split__art" aria-hidden="true">
          <svg viewBox="0 0 300 240" aria-hidden="true" focusable="false">
            <rect className="cta-split__card" x="40" y="40" width="220" height="150" rx="18" />
            <rect className="cta-split__band" x="40" y="80" width="220" height="28" />
            <circle className="cta-split__seal" cx="228" cy="168" r="34" />
            <path className="cta-split__check" d="m213 168 10 10 20-20" />
            <rect className="cta-split__line" x="62" y="128" width="110" height="10" rx="5" />
            <rect className="cta-split__line" x="62" y="148" width="80" height="10" rx="5" />
          </svg>
        </div>
        <div className="cta-split__copy">
          {eyebrow && <p className="cta-split__eyebrow">{eyebrow}</p>}
          <h2 id="cta-split-title" className="cta-split__title">{title}</h2>
          <p className="cta-split__text">{text}</p>
          {points.length > 0 && (
            <ul className="cta-split__points">
              {points.map((point) => <li key={point}>{point}</li>)}
            </ul>
          )}
          <a className="cta-split__btn" href={ctaHref}>{ctaLabel}</a>
          {finePrint && <p className="cta-split__fine">{finePrint}</p>}
        </div>
      </div>
    </section>
  );
}
