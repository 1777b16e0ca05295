import React from 'react';
import './HeroCentered.css';

export default function HeroCentered({
  badge = 'Now booking for spring',
  title = 'Fresh ideas, beautifully delivered',
  subtitle = 'Everything you need to welcome new customers: a clear story, an easy way to get in touch and a site that works on every screen.',
  primaryLabel = 'Start today',
  primaryHref = '#contact',
  secondaryLabel = 'Learn more',
  secondaryHref = '#features',
  note = 'Trusted by 2,000+ local businesses',
}) {
  return (
    <section className="hero-centered" aria-labelledby="hero-centered-title">
      <div className="hero-centered__decor" aria-hidden="true">
        <span className="hero-centered__blob hero-centered__blob--one" />
        <span className="hero-centered__blob hero-centered__blob--two" />
      </div>
      <div className="hero-centered__inner">
        {badge && (
          <p className="hero-centered__badge">
            <span className="hero-centered__dot" aria-hidden="true" />
            {badge}
          </p>
        )}
        <h1 id="hero-centered-title" className="hero-centered__title">{title}</h1>
        <p className="hero-centered__subtitle">{subtitle}</p>
        <div className="hero-centered__actions">
          <a className="hero-centered__btn hero-centered__btn--primary" href={primaryHref}>
            {primaryLabel}
            <svg viewBox="0 0 20 20" aria-hidden="true" focusable="false">
              <path d="M11 4.5 9.9 5.6l3.6 3.6H3.5v1.6h10l-3.6 3.6 1.1 1.1L16.5 10z" />
            </svg>
          </a>
          {secondaryLabel && (
            <a className="hero-centered__btn hero-centered__btn--ghost" href={secondaryHref}>{secondaryLabel}</a>
          )}
        </div>
        {note && <p className="hero-centered__note">{note}</p>}
      </div>
    </section>
  );
}
