import React from 'react';
import './FeatureCards.css';

export default function FeatureCards({ eyebrow, title, subtitle, items = [] }) {
  return (
    <section className="section section--alt" aria-labelledby="feature-cards-title">
      <div className="section__inner">
        <header className="section__header">
          {eyebrow && <p className="section__eyebrow">{eyebrow}</p>}
          <h2 id="feature-cards-title" className="section__title">{title}</h2>
          {subtitle && <p className="section__subtitle">{subtitle}</p>}
        </header>
        <ul className="feature-cards">
          {items.map((item) => (
            <li key={item.title} className="feature-cards__card">
              <h3>{item.title}</h3>
              <p>{item.text}</p>
            </li>
          ))}
        </ul>
      </div>
    </section>
  );
}
