import React, { useState } from 'react';
import './PricingTiers.css';

const DEFAULT_PLANS = [
  {
    name: 'Starter',
    description: 'For getting started and trying things out.',
    monthly: 9,
    yearly: 90,
    features: ['1 website', 'Custom domain', 'Email support'],
    ctaLabel: 'Choose Starter',
  },
  {
    name: 'Growth',
    description: 'For growing businesses that want more reach.',
    monthly: 29,
    yearly: 290,
    features: ['5 websites', 'Online bookings', 'Analytics dashboard', 'Priority support'],
    ctaLabel: 'Choose Growth',
    featured: true,
  },
  {
    name: 'Business',
    description: 'For teams with several locations.',
    monthly: 79,
    yearly: 790,
    features: ['Unlimited websites', 'Team accounts', 'Custom integrations', 'Dedicated manager'],
    ctaLabel: 'Talk to sales',
  },
];

export default function PricingTiers({
  eyebrow = 'Pricing',
  title = 'Simple plans that grow with you',
  subtitle = 'Pay monthly, or yearly and get two months free. No hidden fees.',
  currency = '$',
  plans = DEFAULT_PLANS,
  ctaHref = '#contact',
  defaultPeriod = 'monthly',
  featuredLabel = 'Most popular',
}) {
  const [period, setPeriod] = useState(defaultPeriod === 'yearly' ? 'yearly' : 'monthly');
  return (
    <section className="pricing-tiers" id="pricing" aria-labelledby="pricing-tiers-title">
      <div className="pricing-tiers__inner">
        <header className="pricing-tiers__header">
          {eyebrow && <p className="pricing-tiers__eyebrow">{eyebrow}</p>}
          <h2 id="pricing-tiers-title" className="pricing-tiers__title">{title}</h2>
          {subtitle && <p className="pricing-tiers__subtitle">{subtitle}</p>}
          <div className="pricing-tiers__switch" role="group" aria-label="Billing period">
            <button type="button" aria-pressed={period === 'monthly'} onClick={() => setPeriod('monthly')}>
              Monthly
            </button>
            <button type="button" aria-pressed={period === 'yearly'} onClick={() => setPeriod('yearly')}>
              Yearly <span className="pricing-tiers__save">Save 17%</span>
            </button>
          </div>
        </header>
        <ul className="pricing-tiers__plans">
          {plans.map((plan) => {
            const price = period === 'yearly' ? plan.yearly : plan.monthly;
            return (
              <li key={plan.name} className={plan.featured ? 'pricing-tiers__plan is-featured' : 'pricing-tiers__plan'}>
                {plan.featured && <span className="pricing-tiers__ribbon">{featuredLabel}</span>}
                <h3 className="pricing-tiers__name">{plan.name}</h3>
                <p className="pricing-tiers__desc">{plan.description}</p>
                <p className="pricing-tiers__price">
                  <span className="pricing-tiers__amount">{currency}{price}</span>
                  <span className="pricing-tiers__per">/{period === 'yearly' ? 'year' : 'month'}</span>
                </p>
                <a className="pricing-tiers__cta" href={plan.href || ctaHref}>{plan.ctaLabel || 'Choose plan'}</a>
                <ul className="pricing-tiers__features">
                  {plan.features.map((feature) => (
                    <li key={feature}>
                      <svg viewBox="0 0 20 20" aria-hidden="true" focusable="false">
                        <path d="M8.2 13.6 4.6 10l-1.2 1.2 4.8 4.8 9-9-1.2-1.2z" />
                      </svg>
                      {feature}
                    </li>
                  ))}
                </ul>
              </li>
            );
          })}
        </ul>
      </div>
    </section>
  );
}
