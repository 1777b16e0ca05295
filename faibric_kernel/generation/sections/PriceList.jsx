import React, { useState } from 'react';
import './PriceList.css';

// The fixed words, in English unless the site passes its own language's (labels prop).
const DEFAULT_LABELS = {
  mostPopular: 'Most popular', free: 'Free', monthly: 'Monthly', yearly: 'Yearly', perMonth: '/ month',
  perYear: '/ year', billing: 'Billing period',
};

export default function PriceList({
  eyebrow, title, subtitle, currency = '$', plans = [], ctaHref = '#contact', labels = {},
}) {
  const t = { ...DEFAULT_LABELS, ...labels };
  // plans with a yearly price get a monthly/yearly switch
  const periodic = plans.length > 0 && plans.every((plan) => plan.yearly !== undefined && plan.yearly !== null);
  const [period, setPeriod] = useState('monthly');
  const priceOf = (plan) => (periodic && period === 'yearly' ? plan.yearly : plan.price);
  const show = (value) => (Number(value) === 0 ? t.free : `${currency}${value}`);
  return (
    <section className="section section--alt" aria-labelledby="price-list-title">
      <div className="section__inner">
        <header className="section__header">
          {eyebrow && <p className="section__eyebrow">{eyebrow}</p>}
          <h2 id="price-list-title" className="section__title">{title}</h2>
          {subtitle && <p className="section__subtitle">{subtitle}</p>}
        </header>
        {periodic && (
          <div className="price-list__switch" role="group" aria-label={t.billing}>
            {['monthly', 'yearly'].map((option) => (
              <button
                key={option}
                type="button"
                className={period === option ? 'button' : 'button button--ghost'}
                aria-pressed={period === option}
                onClick={() => setPeriod(option)}
              >
                {t[option]}
              </button>
            ))}
          </div>
        )}
        <ul className="price-list">
          {plans.map((plan) => (
            <li key={plan.name} className={plan.featured ? 'price-list__plan is-featured' : 'price-list__plan'}>
              {plan.featured && <p className="price-list__flag">{t.mostPopular}</p>}
              <h3>{plan.name}</h3>
              <p className="price-list__description">{plan.description}</p>
              <p className="price-list__price">
                {show(priceOf(plan))}
                {periodic && Number(priceOf(plan)) !== 0 && (
                  <span className="price-list__period"> {period === 'yearly' ? t.perYear : t.perMonth}</span>
                )}
              </p>
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
