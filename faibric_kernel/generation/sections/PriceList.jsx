import React from 'react';
import './PriceList.css';

export default function PriceList({ eyebrow, title, subtitle, currency = '$', plans = [], ctaHref = '#contact' }) {
  return (
    <section className="section section--alt" aria-labelledby="price-list-title">
      <div className="section__inner">
        <header className="section__header">
          {eyebrow && <p className="section__eyebrow">{eyebrow}</p>}
          <h2 id="price-list-title" className="section__title">{title}</h2>
          {subtitle && <p className="section__subtitle">{subtitle}</p>}
        </header>
        <ul className="price-list">
          {plans.map((plan) => (
            <li key={plan.name} className={plan.featured ? 'price-list__plan is-featured' : 'price-list__plan'}>
              {plan.featured && <p className="price-list__flag">Most popular</p>}
              <h3>{plan.name}</h3>
              <p className="price-list__description">{plan.description}</p>
              <p className="price-list__price">{plan.price === 0 ? 'Free' : `${currency}${plan.price}`}</p>
              <ul className="price-list__features">
                {plan.features.map((feature) => <li key={feature}>{feature}</li>)}
              </ul>
              <a className={plan.featured ? 'button' : 'button button--ghost'} href={ctaHref}>{plan.ctaLabel}</a>
            </li>
          ))}
        </ul>
      </div>
    </section>
  );
}
