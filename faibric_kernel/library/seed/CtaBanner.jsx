import React from 'react';
import './CtaBanner.css';

export default function CtaBanner({
  title = 'Ready to get started?',
  text = 'Join thousands of small businesses that grew with us. It takes less than five minutes.',
  primaryLabel = 'Start free trial',
  primaryHref = '#contact',
  secondaryLabel = 'Talk to us',
  secondaryHref = '#contact',
}) {
  return (
    <section className="cta-banner" aria-labelledby="cta-banner-title">
      <div className="cta-banner__inner">
        <div className="cta-banner__box">
          <svg className="cta-banner__rings" viewBox="0 0 200 200" aria-hidden="true" focusable="false">
            <circle cx="100" cy="100" r="40" />
            <circle cx="100" cy="100" r="70" />
            <circle cx="100" cy="100" r="98" />
          </svg>
          <div className="cta-banner__copy">
            <h2 id="cta-banner-title" className="cta-banner__title">{title}</h2>
            {text && <p className="cta-banner__text">{text}</p>}
          </div>
          <div className="cta-banner__actions">
            <a className="cta-banner__btn cta-banner__btn--primary" href={primaryHref}>{primaryLabel}</a>
            {secondaryLabel && <a className="cta-banner__btn cta-banner__btn--ghost" href={secondaryHref}>{secondaryLabel}</a>}
          </div>
        </div>
      </div>
    </section>
  );
}
