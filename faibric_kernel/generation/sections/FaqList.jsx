import React from 'react';
import './FaqList.css';

export default function FaqList({ eyebrow, title, subtitle, items = [] }) {
  return (
    <section className="section" aria-labelledby="faq-list-title">
      <div className="section__inner faq-list">
        <header className="section__header">
          {eyebrow && <p className="section__eyebrow">{eyebrow}</p>}
          <h2 id="faq-list-title" className="section__title">{title}</h2>
          {subtitle && <p className="section__subtitle">{subtitle}</p>}
        </header>
        {items.map((item) => (
          <details key={item.question} className="faq-list__item">
            <summary>{item.question}</summary>
            <p>{item.answer}</p>
          </details>
        ))}
      </div>
    </section>
  );
}
