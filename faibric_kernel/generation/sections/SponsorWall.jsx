import React from 'react';
import './SponsorWall.css';

export default function SponsorWall({ eyebrow, title, subtitle, tiers = [], ctaLabel, ctaHref = '#contact' }) {
  return (
    <section className="section" aria-labelledby="sponsor-wall-title">
      <div className="section__inner">
        <header className="section__header">
          {eyebrow && <p className="section__eyebrow">{eyebrow}</p>}
          <h2 id="sponsor-wall-title" className="section__title">{title}</h2>
          {subtitle && <p className="section__subtitle">{subtitle}</p>}
        </header>
        {tiers.map((tier) => (
          <div key={tier.name} className="sponsor-wall__tier">
            <h3>{tier.name}</h3>
            <ul className={`sponsor-wall__logos sponsor-wall__logos--${tier.size || 'm'}`}>
              {tier.items.map((item) => <li key={item} className="sponsor-wall__logo">{item}</li>)}
            </ul>
          </div>
        ))}
        {ctaLabel && <p className="sponsor-wall__cta"><a className="button" href={ctaHref}>{ctaLabel}</a></p>}
      </div>
    </section>
  );
}
