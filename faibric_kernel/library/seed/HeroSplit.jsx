import React from 'react';
import './HeroSplit.css';

export default function HeroSplit({
  eyebrow = 'New for this season',
  title = 'Build something people love to come back to',
  subtitle = 'Thoughtful design, honest craft and a team that answers the phone. We help small businesses look as good online as they are in person.',
  primaryLabel = 'Get started',
  primaryHref = '#contact',
  secondaryLabel = 'See our work',
  secondaryHref = '#gallery',
  highlights = ['No setup fees', 'Cancel any time', 'Friendly support'],
  illustrationLabel = 'Illustration of a website on a laptop and a phone',
}) {
  return (
    <section className="hero-split" aria-labelledby="hero-split-title">
      <div className="hero-split__inner">
        <div className="hero-split__copy">
          {eyebrow && <p className="hero-split__eyebrow">{eyebrow}</p>}
          <h1 id="hero-split-title" className="hero-split__title">{title}</h1>
          <p className="hero-split__subtitle">{subtitle}</p>
          <div className="hero-split__actions">
            <a className="hero-split__btn hero-split__btn--primary" href={primaryHref}>{primaryLabel}</a>
            {secondaryLabel && (
              <a className="hero-split__btn hero-split__btn--ghost" href={secondaryHref}>{secondaryLabel}</a>
            )}
          </div>
          {highlights.length > 0 && (
            <ul className="hero-split__highlights">
              {highlights.map((item) => (
                <li key={item}>
                  <svg viewBox="0 0 20 20" aria-hidden="true" focusable="false">
                    <path d="M8.2 13.6 4.6 10l-1.2 1.2 4.8 4.8 9-9-1.2-1.2z" />
                  </svg>
                  {item}
                </li>
              ))}
            </ul>
          )}
        </div>
        <div className="hero-split__art">
          <svg viewBox="0 0 480 400" role="img" aria-label={illustrationLabel}>
            <defs>
              <linearGradient id="hero-split-glow" x1="0" y1="0" x2="1" y2="1">
                <stop offset="0" className="hero-split__stop-a" />
                <stop offset="1" className="hero-split__stop-b" />
              </linearGradient>
            </defs>
            <circle cx="250" cy="200" r="180" fill="url(#hero-split-glow)" opacity="0.22" />
            <rect className="hero-split__device" x="60" y="70" width="320" height="210" rx="16" />
            <rect className="hero-split__screen" x="76" y="86" width="288" height="178" rx="8" />
            <rect className="hero-split__bar" x="92" y="104" width="120" height="12" rx="6" />
            <rect className="hero-split__line" x="92" y="128" width="200" height="8" rx="4" />
            <rect className="hero-split__line" x="92" y="144" width="170" height="8" rx="4" />
            <rect className="hero-split__block" x="92" y="168" width="80" height="72" rx="8" />
            <rect className="hero-split__block hero-split__block--alt" x="184" y="168" width="80" height="72" rx="8" />
            <rect className="hero-split__block" x="276" y="168" width="72" height="72" rx="8" />
            <path className="hero-split__device" d="M40 288h360l-16 22H56z" />
            <rect className="hero-split__device" x="330" y="150" width="110" height="200" rx="18" />
            <rect className="hero-split__screen" x="342" y="166" width="86" height="168" rx="10" />
            <rect className="hero-split__bar" x="352" y="180" width="50" height="10" rx="5" />
            <rect className="hero-split__block hero-split__block--alt" x="352" y="200" width="66" height="52" rx="8" />
            <rect className="hero-split__line" x="352" y="264" width="60" height="7" rx="3.5" />
            <rect className="hero-split__line" x="352" y="278" width="44" height="7" rx="3.5" />
            <rect className="hero-split__pill" x="352" y="298" width="66" height="20" rx="10" />
          </svg>
        </div>
      </div>
    </section>
  );
}
