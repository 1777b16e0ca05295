import React from 'react';
import './ProductsSection.css';

export default function ProductsSection({ eyebrow, title, subtitle, currency = '$', items = [] }) {
  return (
    <section className="section" aria-labelledby="products-section-title">
      <div className="section__inner">
        <header className="section__header">
          {eyebrow && <p className="section__eyebrow">{eyebrow}</p>}
          <h2 id="products-section-title" className="section__title">{title}</h2>
          {subtitle && <p className="section__subtitle">{subtitle}</p>}
        </header>
        <ul className="products-section">
          {items.map((item, index) => (
            <li key={item.name} className="products-section__card">
              <div className={`products-section__art products-section__art--${index % 4}`} aria-hidden="true">
                {item.image && <img className="products-section__image" src={item.image} alt="" />}
              </div>
              {item.badge && <p className="products-section__badge">{item.badge}</p>}
              <h3>{item.name}</h3>
              <p className="products-section__description">{item.description}</p>
              <p className="products-section__price">{currency}{item.price}</p>
            </li>
          ))}
        </ul>
      </div>
    </section>
  );
}
