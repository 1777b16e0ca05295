import React from 'react';
import './PricingCompare.css';

const DEFAULT_PLANS = [
  { name: 'Basic', price: '$0', period: 'forever' },
  { name: 'Pro', price: '$19', period: 'per month', featured: true },
  { name: 'Team', price: '$49', period: 'per month' },
];

const DEFAULT_ROWS = [
  { feature: 'Pages', values: ['3', 'Unlimited', 'Unlimited'] },
  { feature: 'Custom domain', values: [false, true, true] },
  { feature: 'Contact form', values: [true, true, true] },
  { feature: 'Online bookings', values: [false, true, true] },
  { feature: 'Team members', values: ['1', '3', '15'] },
  { feature: 'Priority support', values: [false, false, true] },
];

function Cell({ value }) {
  if (value === true) {
    return (
      <span className="pricing-compare__yes">
        <svg viewBox="0 0 20 20" aria-hidden="true" focusable="false"><path d="M8.2 13.6 4.6 10l-1.2 1.2 4.8 4.8 9-9-1.2-1.2z" /></svg>
        <span className="pricing-compare__sr">Included</span>
      </span>
    );
  }
  if (value === false) {
    return (
      <span className="pricing-compare__no">
        <span aria-hidden="true">—</span>
        <span className="pricing-compare__sr">Not included</span>
      </span>
    );
  }
  return <span>{value}</span>;
}

export default function PricingCompare({
  title = 'Compare plans',
  subtitle = 'Every plan includes hosting, security updates and a free SSL certificate.',
  plans = DEFAULT_PLANS,
  rows = DEFAULT_ROWS,
  ctaLabel = 'Get started',
  ctaHref = '#contact',
}) {
  return (
    <section className="pricing-compare" aria-labelledby="pricing-compare-title">
      <div className="pricing-compare__inner">
        <header className="pricing-compare__header">
          <h2 id="pricing-compare-title" className="pricing-compare__title">{title}</h2>
          {subtitle && <p className="pricing-compare__subtitle">{subtitle}</p>}
        </header>
        <div className="pricing-compare__scroll" role="region" aria-label="Plan comparison table" tabIndex={0}>
          <table className="pricing-compare__table">
            <thead>
              <tr>
                <th scope="col" className="pricing-compare__corner">Features</th>
                {plans.map((plan) => (
                  <th scope="col" key={plan.name} className={plan.featured ? 'is-featured' : undefined}>
                    <span className="pricing-compare__plan">{plan.name}</span>
                    <span className="pricing-compare__price">{plan.price}</span>
                    <span className="pricing-compare__period">{plan.period}</span>
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {rows.map((row) => (
                <tr key={row.feature}>
                  <th scope="row">{row.feature}</th>
                  {row.values.map((value, i) => (
                    <td key={plans[i] ? plans[i].name : i} className={plans[i] && plans[i].featured ? 'is-featured' : undefined}>
                      <Cell value={value} />
                    </td>
                  ))}
                </tr>
              ))}
            </tbody>
            <tfoot>
              <tr>
                <td />
                {plans.map((plan) => (
                  <td key={plan.name} className={plan.featured ? 'is-featured' : undefined}>
                    <a className="pricing-compare__cta" href={plan.href || ctaHref}>
                      {ctaLabel}<span className="pricing-compare__sr"> with {plan.name}</span>
                    </a>
                  </td>
                ))}
              </tr>
            </tfoot>
          </table>
        </div>
      </div>
    </section>
  );
}
