import React from 'react';
import './HeroBanner.css';

export default function HeroBanner({
  eyebrow, title, subtitle, primaryLabel, primaryHref, secondaryLabel, secondaryHref, highlights = [], note,
}) {
  return (
    <section className="hero-banner" aria-labelledby="hero-banner-title">
      <div className="hero-banner__inner">
        {eyebrow && <p className="section__eyebrow">{eyebrow}</p>}
        <h1 id="hero-banner-title" className="hero-banner__title">{title}</h1>
        {subtitle && <p className="hero-banner__subtitle">{subtitle}</p>}
        <div className="hero-banner__actions">
          {primaryLabel && <a className="button" href={primaryHref}>{primaryLabel}</a>}
          {secondaryLabel && <a className="button button--ghost" href={secondaryHref}>{secondaryLabel}</a>}
        </div>
        {highlights.length > 0 && (
          <ul className="hero-banner__highlights">
            {highlights.map((item) => <li key={item}>{item}</li>)}
          </ul>
        )}
        {note && <p className="hero-banner__note">{note}</p>}
      </div>
    </section>
  );
}
