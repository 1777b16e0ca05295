"""The offline provider's own section components, for sections the library does not cover.

Each is a React function component taking its copy as props (the same
canonical shape :mod:`.copydeck` produces), styled only through the theme's
CSS variables, importing its own stylesheet, accessible by construction
(labelled fields, one ``h1``, ``h2`` per section, visible focus). Shared
layout primitives live in ``src/App.css`` (part of the frame, see :mod:`.scaffold`).
"""

from __future__ import annotations

from .scaffold import APP_CSS

__all__ = ["APP_CSS", "OWN_COMPONENTS", "component_files", "own_component_name"]


# One shared submit helper, written into each form component (components stay self-contained).
_SUBMIT = """
async function deliver(action, email, subject, values) {
  if (action) {
    const response = await fetch(action, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
      body: JSON.stringify(values),
    });
    if (!response.ok) throw new Error(`HTTP ${response.status}`);
    return 'sent';
  }
  // No form endpoint configured: hand the message to the visitor's email app, addressed to the business.
  const body = Object.entries(values).map(([key, value]) => `${key}: ${value}`).join('\\n');
  window.location.href = `mailto:${email}?subject=${encodeURIComponent(subject)}&body=${encodeURIComponent(body)}`;
  return 'handed-off';
}
"""

OWN_COMPONENTS: dict[str, tuple[str, str, str]] = {}

OWN_COMPONENTS["navbar"] = ("SiteHeader", """import React, { useState } from 'react';
import './SiteHeader.css';

export default function SiteHeader({ brand, links = [], ctaLabel, ctaHref = '#contact' }) {
  const [open, setOpen] = useState(false);
  return (
    <header className="site-header">
      <div className="site-header__inner">
        <a className="site-header__brand" href="#top">{brand}</a>
        <button
          type="button"
          className="site-header__toggle"
          aria-expanded={open}
          aria-controls="site-header-menu"
          onClick={() => setOpen(!open)}
        >
          {open ? 'Close' : 'Menu'}
        </button>
        <nav id="site-header-menu" className={open ? 'site-header__nav is-open' : 'site-header__nav'} aria-label="Main">
          <ul>
            {links.map((link) => (
              <li key={link.href}><a href={link.href} onClick={() => setOpen(false)}>{link.label}</a></li>
            ))}
          </ul>
          {ctaLabel && <a className="button" href={ctaHref} onClick={() => setOpen(false)}>{ctaLabel}</a>}
        </nav>
      </div>
    </header>
  );
}
""", """.site-header {
  position: sticky;
  top: 0;
  z-index: 50;
  background: color-mix(in srgb, var(--color-bg) 92%, transparent);
  backdrop-filter: blur(10px);
  border-bottom: 1px solid var(--color-border);
}
.site-header__inner {
  max-width: var(--maxw);
  margin: 0 auto;
  padding: 0.75rem 1.25rem;
  display: flex;
  flex-wrap: wrap;
  align-items: center;
  justify-content: space-between;
  gap: 0.75rem;
}
.site-header__brand { font-family: var(--font-heading); font-size: 1.2rem; font-weight: 700; color: var(--color-text); text-decoration: none; }
.site-header__toggle {
  min-height: 2.75rem;
  padding: 0 1rem;
  border: 1px solid var(--color-border);
  border-radius: var(--radius);
  background: var(--color-surface);
  color: var(--color-text);
  font: inherit;
  cursor: pointer;
}
.site-header__nav { display: none; width: 100%; flex-direction: column; gap: 0.75rem; padding-bottom: 0.75rem; }
.site-header__nav.is-open { display: flex; }
.site-header__nav ul { list-style: none; margin: 0; padding: 0; display: flex; flex-direction: column; gap: 0.25rem; }
.site-header__nav ul a { display: block; padding: 0.55rem 0.75rem; border-radius: var(--radius); color: var(--color-text); text-decoration: none; }
.site-header__nav ul a:hover { background: var(--color-surface-alt); color: var(--color-primary); }
@media (min-width: 768px) {
  .site-header__toggle { display: none; }
  .site-header__nav, .site-header__nav.is-open { display: flex; width: auto; flex-direction: row; align-items: center; padding: 0; }
  .site-header__nav ul { flex-direction: row; }
}
""")

OWN_COMPONENTS["hero"] = ("HeroBanner", """import React from 'react';
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
""", """.hero-banner {
  padding: clamp(4rem, 12vw, 8rem) 1.25rem clamp(3rem, 8vw, 6rem);
  background:
    radial-gradient(60rem 30rem at 85% -10%, color-mix(in srgb, var(--color-accent) 18%, transparent), transparent),
    radial-gradient(50rem 30rem at 0% 0%, color-mix(in srgb, var(--color-primary) 16%, transparent), transparent),
    var(--color-bg);
  text-align: center;
}
.hero-banner__inner { max-width: 52rem; margin: 0 auto; }
.hero-banner__title { font-size: clamp(2.3rem, 7vw, 4.2rem); letter-spacing: -0.03em; }
.hero-banner__subtitle { margin: 1.25rem auto 0; max-width: 40rem; color: var(--color-muted); font-size: 1.15rem; }
.hero-banner__actions { display: flex; flex-wrap: wrap; justify-content: center; gap: 0.75rem; margin-top: 2rem; }
.hero-banner__highlights { list-style: none; margin: 2rem 0 0; padding: 0; display: flex; flex-wrap: wrap; justify-content: center; gap: 0.5rem 1.5rem; }
.hero-banner__highlights li::before { content: '✓ '; color: var(--color-primary); font-weight: 700; }
.hero-banner__note { margin: 1.25rem 0 0; color: var(--color-muted); font-size: 0.9rem; }
""")

OWN_COMPONENTS["about"] = ("StorySection", """import React from 'react';
import './StorySection.css';

export default function StorySection({ eyebrow, title, paragraphs = [], highlights = [] }) {
  return (
    <section className="section story-section" aria-labelledby="story-section-title">
      <div className="section__inner story-section__grid">
        <div>
          {eyebrow && <p className="section__eyebrow">{eyebrow}</p>}
          <h2 id="story-section-title" className="section__title">{title}</h2>
          {paragraphs.map((text) => <p key={text.slice(0, 40)} className="story-section__text">{text}</p>)}
        </div>
        {highlights.length > 0 && (
          <ul className="story-section__highlights">
            {highlights.map((item) => <li key={item}>{item}</li>)}
          </ul>
        )}
      </div>
    </section>
  );
}
""", """.story-section__grid { display: grid; gap: 2rem; align-items: center; }
.story-section__text { color: var(--color-muted); font-size: 1.075rem; }
.story-section__highlights { list-style: none; margin: 0; padding: 0; display: grid; gap: 0.75rem; }
.story-section__highlights li {
  padding: 1.1rem 1.25rem;
  border-left: 4px solid var(--color-primary);
  border-radius: var(--radius);
  background: var(--color-surface);
  box-shadow: var(--shadow);
  font-weight: 600;
}
@media (min-width: 860px) { .story-section__grid { grid-template-columns: 3fr 2fr; gap: 4rem; } }
""")

OWN_COMPONENTS["features"] = ("FeatureCards", """import React from 'react';
import './FeatureCards.css';

export default function FeatureCards({ eyebrow, title, subtitle, items = [] }) {
  return (
    <section className="section section--alt" aria-labelledby="feature-cards-title">
      <div className="section__inner">
        <header className="section__header">
          {eyebrow && <p className="section__eyebrow">{eyebrow}</p>}
          <h2 id="feature-cards-title" className="section__title">{title}</h2>
          {subtitle && <p className="section__subtitle">{subtitle}</p>}
        </header>
        <ul className="feature-cards">
          {items.map((item) => (
            <li key={item.title} className="feature-cards__card">
              <h3>{item.title}</h3>
              <p>{item.text}</p>
            </li>
          ))}
        </ul>
      </div>
    </section>
  );
}
""", """.feature-cards { list-style: none; margin: 0; padding: 0; display: grid; gap: 1.25rem; grid-template-columns: repeat(auto-fit, minmax(15rem, 1fr)); }
.feature-cards__card { padding: 1.5rem; border: 1px solid var(--color-border); border-radius: var(--radius-lg); background: var(--color-surface); box-shadow: var(--shadow); }
.feature-cards__card h3 { font-size: 1.15rem; }
.feature-cards__card p { margin: 0.5rem 0 0; color: var(--color-muted); }
""")

OWN_COMPONENTS["stats"] = ("NumbersBand", """import React from 'react';
import './NumbersBand.css';

export default function NumbersBand({ title, items = [] }) {
  return (
    <section className="numbers-band" aria-labelledby="numbers-band-title">
      <div className="section__inner">
        <h2 id="numbers-band-title" className="visually-hidden">{title}</h2>
        <dl className="numbers-band__list">
          {items.map((item) => (
            <div key={item.label} className="numbers-band__item">
              <dt>{item.label}</dt>
              <dd>{item.value}</dd>
            </div>
          ))}
        </dl>
      </div>
    </section>
  );
}
""", """.numbers-band { padding: 3rem 1.25rem; background: var(--color-primary); color: var(--color-primary-contrast); }
.numbers-band__list { margin: 0; display: grid; gap: 1.5rem; grid-template-columns: repeat(auto-fit, minmax(10rem, 1fr)); text-align: center; }
.numbers-band__item { display: flex; flex-direction: column-reverse; }
.numbers-band__item dd { margin: 0; font-family: var(--font-heading); font-size: clamp(2rem, 5vw, 2.75rem); font-weight: 700; }
.numbers-band__item dt { opacity: 0.9; }
""")

OWN_COMPONENTS["menu"] = ("MenuBoard", """import React from 'react';
import './MenuBoard.css';

export default function MenuBoard({ eyebrow, title, subtitle, currency = '$', sections = [], note }) {
  return (
    <section className="section" aria-labelledby="menu-board-title">
      <div className="section__inner">
        <header className="section__header">
          {eyebrow && <p className="section__eyebrow">{eyebrow}</p>}
          <h2 id="menu-board-title" className="section__title">{title}</h2>
          {subtitle && <p className="section__subtitle">{subtitle}</p>}
        </header>
        <div className="menu-board">
          {sections.map((group) => (
            <div key={group.name} className="menu-board__group">
              <h3>{group.name}</h3>
              <ul>
                {group.items.map((item) => (
                  <li key={item.name} className="menu-board__item">
                    <div>
                      <p className="menu-board__name">{item.name}</p>
                      {item.description && <p className="menu-board__description">{item.description}</p>}
                    </div>
                    <p className="menu-board__price">{currency}{item.price}</p>
                  </li>
                ))}
              </ul>
            </div>
          ))}
        </div>
        {note && <p className="menu-board__note">{note}</p>}
      </div>
    </section>
  );
}
""", """.menu-board { display: grid; gap: 2rem; grid-template-columns: repeat(auto-fit, minmax(18rem, 1fr)); }
.menu-board__group h3 { padding-bottom: 0.5rem; border-bottom: 2px solid var(--color-primary); font-size: 1.3rem; }
.menu-board__group ul { list-style: none; margin: 0; padding: 0; }
.menu-board__item { display: flex; justify-content: space-between; gap: 1rem; padding: 0.9rem 0; border-bottom: 1px dashed var(--color-border); }
.menu-board__name { margin: 0; font-weight: 600; }
.menu-board__description { margin: 0.2rem 0 0; color: var(--color-muted); font-size: 0.95rem; }
.menu-board__price { margin: 0; font-weight: 700; color: var(--color-primary); white-space: nowrap; }
.menu-board__note { margin: 2rem 0 0; color: var(--color-muted); text-align: center; font-size: 0.9rem; }
""")

OWN_COMPONENTS["product-grid"] = ("ProductsSection", """import React from 'react';
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
              <div className={`products-section__art products-section__art--${index % 4}`} aria-hidden="true" />
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
""", """.products-section { list-style: none; margin: 0; padding: 0; display: grid; gap: 1.5rem; grid-template-columns: repeat(auto-fit, minmax(14rem, 1fr)); }
.products-section__card { position: relative; padding: 1rem; border-radius: var(--radius-lg); background: var(--color-surface); box-shadow: var(--shadow); }
.products-section__art { aspect-ratio: 4 / 3; border-radius: var(--radius); margin-bottom: 1rem; }
.products-section__art--0 { background: linear-gradient(135deg, var(--color-primary), var(--color-accent)); }
.products-section__art--1 { background: radial-gradient(circle at 30% 30%, var(--color-accent), var(--color-surface-alt)); }
.products-section__art--2 { background: repeating-linear-gradient(45deg, var(--color-surface-alt) 0 12px, var(--color-border) 12px 24px); }
.products-section__art--3 { background: linear-gradient(180deg, var(--color-surface-alt), var(--color-primary)); }
.products-section__badge { position: absolute; top: 1.5rem; left: 1.5rem; margin: 0; padding: 0.2rem 0.6rem; border-radius: 999px; background: var(--color-accent); color: var(--color-accent-contrast); font-size: 0.8rem; font-weight: 700; }
.products-section__card h3 { font-size: 1.1rem; }
.products-section__description { margin: 0.35rem 0; color: var(--color-muted); font-size: 0.95rem; }
.products-section__price { margin: 0; font-weight: 700; color: var(--color-primary); }
""")

OWN_COMPONENTS["pricing"] = ("PriceList", """import React from 'react';
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
""", """.price-list { list-style: none; margin: 0; padding: 0; display: grid; gap: 1.5rem; grid-template-columns: repeat(auto-fit, minmax(16rem, 1fr)); align-items: stretch; }
.price-list__plan { display: flex; flex-direction: column; gap: 0.5rem; padding: 1.75rem; border: 1px solid var(--color-border); border-radius: var(--radius-lg); background: var(--color-surface); }
.price-list__plan.is-featured { border: 2px solid var(--color-primary); box-shadow: var(--shadow-lg); }
.price-list__flag { align-self: flex-start; margin: 0; padding: 0.2rem 0.7rem; border-radius: 999px; background: var(--color-primary); color: var(--color-primary-contrast); font-size: 0.8rem; font-weight: 700; }
.price-list__description { margin: 0; color: var(--color-muted); }
.price-list__price { margin: 0.5rem 0; font-family: var(--font-heading); font-size: 2.2rem; font-weight: 700; }
.price-list__features { flex: 1; margin: 0 0 1rem; padding-left: 1.2rem; }
""")

OWN_COMPONENTS["schedule"] = ("ScheduleList", """import React from 'react';
import './ScheduleList.css';

export default function ScheduleList({ eyebrow, title, subtitle, items = [] }) {
  return (
    <section className="section" aria-labelledby="schedule-list-title">
      <div className="section__inner">
        <header className="section__header">
          {eyebrow && <p className="section__eyebrow">{eyebrow}</p>}
          <h2 id="schedule-list-title" className="section__title">{title}</h2>
          {subtitle && <p className="section__subtitle">{subtitle}</p>}
        </header>
        <ol className="schedule-list">
          {items.map((item) => (
            <li key={item.time + item.title} className="schedule-list__item">
              <p className="schedule-list__time">{item.time}</p>
              <div>
                <h3>{item.title}</h3>
                {item.text && <p className="schedule-list__text">{item.text}</p>}
              </div>
              {item.place && <p className="schedule-list__place">{item.place}</p>}
            </li>
          ))}
        </ol>
      </div>
    </section>
  );
}
""", """.schedule-list { list-style: none; margin: 0 auto; padding: 0; max-width: 52rem; }
.schedule-list__item { display: grid; grid-template-columns: 7rem 1fr; gap: 0.25rem 1.25rem; padding: 1.1rem 0; border-bottom: 1px solid var(--color-border); }
.schedule-list__time { margin: 0; font-weight: 700; color: var(--color-primary); }
.schedule-list__item h3 { font-size: 1.1rem; }
.schedule-list__text { margin: 0.25rem 0 0; color: var(--color-muted); }
.schedule-list__place { grid-column: 2; margin: 0; color: var(--color-muted); font-size: 0.9rem; }
@media (min-width: 700px) {
  .schedule-list__item { grid-template-columns: 8rem 1fr auto; }
  .schedule-list__place { grid-column: 3; }
}
""")

OWN_COMPONENTS["gallery"] = ("GalleryWall", """import React from 'react';
import './GalleryWall.css';

export default function GalleryWall({ eyebrow, title, subtitle, items = [] }) {
  return (
    <section className="section" aria-labelledby="gallery-wall-title">
      <div className="section__inner">
        <header className="section__header">
          {eyebrow && <p className="section__eyebrow">{eyebrow}</p>}
          <h2 id="gallery-wall-title" className="section__title">{title}</h2>
          {subtitle && <p className="section__subtitle">{subtitle}</p>}
        </header>
        <ul className="gallery-wall">
          {items.map((item, index) => (
            <li key={item.title} className="gallery-wall__tile">
              <div className={`gallery-wall__art gallery-wall__art--${index % 3}`} role="img" aria-label={item.alt} />
              <h3>{item.title}</h3>
              <p>{item.caption}</p>
            </li>
          ))}
        </ul>
      </div>
    </section>
  );
}
""", """.gallery-wall { list-style: none; margin: 0; padding: 0; display: grid; gap: 1.25rem; grid-template-columns: repeat(auto-fit, minmax(15rem, 1fr)); }
.gallery-wall__art { aspect-ratio: 4 / 3; border-radius: var(--radius-lg); }
.gallery-wall__art--0 { background: radial-gradient(circle at 70% 30%, var(--color-accent) 0 18%, transparent 19%), linear-gradient(160deg, var(--color-surface-alt), var(--color-primary)); }
.gallery-wall__art--1 { background: radial-gradient(circle at 35% 55%, var(--color-primary) 0 30%, transparent 31%), radial-gradient(circle at 65% 55%, var(--color-accent) 0 30%, transparent 31%), var(--color-surface-alt); }
.gallery-wall__art--2 { background: repeating-linear-gradient(120deg, var(--color-primary) 0 14px, var(--color-surface-alt) 14px 40px); }
.gallery-wall__tile h3 { margin-top: 0.75rem; font-size: 1.05rem; }
.gallery-wall__tile p { margin: 0.2rem 0 0; color: var(--color-muted); }
""")

OWN_COMPONENTS["team"] = ("PeopleGrid", """import React from 'react';
import './PeopleGrid.css';

function initials(name) {
  return name.split(' ').map((part) => part[0]).join('').slice(0, 2).toUpperCase();
}

export default function PeopleGrid({ eyebrow, title, subtitle, items = [] }) {
  return (
    <section className="section section--alt" aria-labelledby="people-grid-title">
      <div className="section__inner">
        <header className="section__header">
          {eyebrow && <p className="section__eyebrow">{eyebrow}</p>}
          <h2 id="people-grid-title" className="section__title">{title}</h2>
          {subtitle && <p className="section__subtitle">{subtitle}</p>}
        </header>
        <ul className="people-grid">
          {items.map((person) => (
            <li key={person.name} className="people-grid__card">
              <span className="people-grid__avatar" aria-hidden="true">{initials(person.name)}</span>
              <h3>{person.name}</h3>
              <p className="people-grid__role">{person.role}</p>
              {person.bio && <p className="people-grid__bio">{person.bio}</p>}
            </li>
          ))}
        </ul>
      </div>
    </section>
  );
}
""", """.people-grid { list-style: none; margin: 0; padding: 0; display: grid; gap: 1.25rem; grid-template-columns: repeat(auto-fit, minmax(13rem, 1fr)); text-align: center; }
.people-grid__card { padding: 1.5rem; border-radius: var(--radius-lg); background: var(--color-surface); box-shadow: var(--shadow); }
.people-grid__avatar { display: inline-grid; place-items: center; width: 4.5rem; height: 4.5rem; border-radius: 50%; background: var(--color-primary); color: var(--color-primary-contrast); font-weight: 700; font-size: 1.3rem; }
.people-grid__card h3 { margin-top: 0.9rem; font-size: 1.1rem; }
.people-grid__role { margin: 0.2rem 0 0; color: var(--color-primary); font-weight: 600; }
.people-grid__bio { margin: 0.5rem 0 0; color: var(--color-muted); font-size: 0.95rem; }
""")

OWN_COMPONENTS["testimonials"] = ("ReviewCards", """import React from 'react';
import './ReviewCards.css';

export default function ReviewCards({ eyebrow, title, subtitle, items = [] }) {
  return (
    <section className="section" aria-labelledby="review-cards-title">
      <div className="section__inner">
        <header className="section__header">
          {eyebrow && <p className="section__eyebrow">{eyebrow}</p>}
          <h2 id="review-cards-title" className="section__title">{title}</h2>
          {subtitle && <p className="section__subtitle">{subtitle}</p>}
        </header>
        <ul className="review-cards">
          {items.map((item) => (
            <li key={item.name}>
              <figure className="review-cards__card">
                <blockquote><p>{item.quote}</p></blockquote>
                <figcaption><strong>{item.name}</strong>{item.role && <span>{item.role}</span>}</figcaption>
              </figure>
            </li>
          ))}
        </ul>
      </div>
    </section>
  );
}
""", """.review-cards { list-style: none; margin: 0; padding: 0; display: grid; gap: 1.25rem; grid-template-columns: repeat(auto-fit, minmax(16rem, 1fr)); }
.review-cards__card { margin: 0; height: 100%; padding: 1.75rem; border-radius: var(--radius-lg); background: var(--color-surface); box-shadow: var(--shadow); display: flex; flex-direction: column; justify-content: space-between; gap: 1rem; }
.review-cards__card blockquote { margin: 0; font-size: 1.05rem; }
.review-cards__card blockquote p::before { content: '“'; color: var(--color-primary); font-size: 1.6rem; line-height: 0; margin-right: 0.1rem; }
.review-cards__card figcaption { display: flex; flex-direction: column; }
.review-cards__card figcaption span { color: var(--color-muted); font-size: 0.9rem; }
""")

OWN_COMPONENTS["blog-list"] = ("PostList", """import React from 'react';
import './PostList.css';

export default function PostList({ eyebrow, title, subtitle, items = [] }) {
  return (
    <section className="section" aria-labelledby="post-list-title">
      <div className="section__inner">
        <header className="section__header">
          {eyebrow && <p className="section__eyebrow">{eyebrow}</p>}
          <h2 id="post-list-title" className="section__title">{title}</h2>
          {subtitle && <p className="section__subtitle">{subtitle}</p>}
        </header>
        <ul className="post-list">
          {items.map((post) => (
            <li key={post.title} className="post-list__card">
              <p className="post-list__meta"><span>{post.tag}</span> · {post.date} · {post.readTime}</p>
              <h3>{post.title}</h3>
              <p className="post-list__excerpt">{post.excerpt}</p>
            </li>
          ))}
        </ul>
      </div>
    </section>
  );
}
""", """.post-list { list-style: none; margin: 0; padding: 0; display: grid; gap: 1.5rem; grid-template-columns: repeat(auto-fit, minmax(17rem, 1fr)); }
.post-list__card { padding: 1.5rem; border-top: 4px solid var(--color-primary); border-radius: var(--radius); background: var(--color-surface); box-shadow: var(--shadow); }
.post-list__meta { margin: 0 0 0.5rem; color: var(--color-muted); font-size: 0.85rem; }
.post-list__meta span { color: var(--color-primary); font-weight: 700; }
.post-list__card h3 { font-size: 1.2rem; }
.post-list__excerpt { margin: 0.5rem 0 0; color: var(--color-muted); }
""")

OWN_COMPONENTS["faq"] = ("FaqList", """import React from 'react';
import './FaqList.css';

export default function FaqList({ eyebrow, title, subtitle, items = [] }) {
  return (
    <section className="section" aria-labelledby="faq-list-title">
      <div className="section__inner faq-list">
        <header className="section__header">
          {eyebrow && <p className="section__eyebrow">{eyebrow}</p>}
          <h2 id="faq-list-title" className="section__title">{title}</h2>
          {subtitle && <p className="section__subtitle">{subtitle}</p>}
        </header>
        {items.map((item) => (
          <details key={item.question} className="faq-list__item">
            <summary>{item.question}</summary>
            <p>{item.answer}</p>
          </details>
        ))}
      </div>
    </section>
  );
}
""", """.faq-list { max-width: 48rem; }
.faq-list__item { border-bottom: 1px solid var(--color-border); }
.faq-list__item summary { padding: 1.1rem 0; font-weight: 600; cursor: pointer; }
.faq-list__item p { margin: 0 0 1.1rem; color: var(--color-muted); }
""")

OWN_COMPONENTS["cta"] = ("CtaBand", """import React from 'react';
import './CtaBand.css';

export default function CtaBand({ title, text, label, href = '#contact' }) {
  return (
    <section className="cta-band" aria-labelledby="cta-band-title">
      <div className="cta-band__inner">
        <h2 id="cta-band-title">{title}</h2>
        {text && <p>{text}</p>}
        <a className="cta-band__button" href={href}>{label}</a>
      </div>
    </section>
  );
}
""", """.cta-band { padding: clamp(3rem, 8vw, 5rem) 1.25rem; background: linear-gradient(135deg, var(--color-primary), color-mix(in srgb, var(--color-primary) 70%, var(--color-accent))); color: var(--color-primary-contrast); text-align: center; }
.cta-band__inner { max-width: 40rem; margin: 0 auto; }
.cta-band h2 { font-size: clamp(1.8rem, 4vw, 2.5rem); }
.cta-band p { margin: 0.75rem 0 1.75rem; font-size: 1.1rem; }
.cta-band__button { display: inline-flex; min-height: 2.75rem; align-items: center; padding: 0.75rem 1.5rem; border-radius: var(--radius); background: var(--color-primary-contrast); color: var(--color-primary); font-weight: 700; text-decoration: none; }
""")

OWN_COMPONENTS["newsletter"] = ("NewsletterSection", """import React, { useState } from 'react';
import './NewsletterSection.css';

const EMAIL_PATTERN = /^[^\\s@]+@[^\\s@]+\\.[^\\s@]{2,}$/;

export default function NewsletterSection({ title, text, submitLabel = 'Subscribe', successText, action = '' }) {
  const [email, setEmail] = useState('');
  const [error, setError] = useState('');
  const [status, setStatus] = useState('idle');

  const onSubmit = async (event) => {
    event.preventDefault();
    if (!EMAIL_PATTERN.test(email.trim())) {
      setError('Please enter a valid email address, like name@example.com.');
      return;
    }
    setError('');
    if (!action) {
      setStatus('sent');
      return;
    }
    try {
      const response = await fetch(action, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ email: email.trim() }),
      });
      setStatus(response.ok ? 'sent' : 'failed');
    } catch (err) {
      setStatus('failed');
    }
  };

  return (
    <section className="section section--alt" aria-labelledby="newsletter-section-title">
      <div className="section__inner newsletter-section">
        <h2 id="newsletter-section-title" className="section__title">{title}</h2>
        {text && <p className="section__subtitle">{text}</p>}
        {status === 'sent' ? (
          <p className="form-status" role="status">{successText}</p>
        ) : (
          <form className="newsletter-section__form" onSubmit={onSubmit} noValidate>
            <div className="field">
              <label htmlFor="newsletter-email">Email address</label>
              <input
                id="newsletter-email"
                type="email"
                autoComplete="email"
                value={email}
                onChange={(event) => setEmail(event.target.value)}
                aria-invalid={error ? 'true' : undefined}
                aria-describedby={error ? 'newsletter-email-error' : undefined}
              />
              {error && <p className="field__error" id="newsletter-email-error">{error}</p>}
            </div>
            <button className="button" type="submit">{submitLabel}</button>
            {status === 'failed' && <p className="field__error" role="alert">Something went wrong; please try again.</p>}
          </form>
        )}
      </div>
    </section>
  );
}
""", """.newsletter-section { max-width: 38rem; text-align: center; }
.newsletter-section__form { display: grid; gap: 0.75rem; margin-top: 1.5rem; text-align: left; }
@media (min-width: 600px) { .newsletter-section__form { grid-template-columns: 1fr auto; align-items: end; } }
""")

OWN_COMPONENTS["contact-form"] = ("ContactSection", """import React, { useState } from 'react';
import './ContactSection.css';

const EMAIL_PATTERN = /^[^\\s@]+@[^\\s@]+\\.[^\\s@]{2,}$/;
""" + _SUBMIT + """
function validate(values) {
  const errors = {};
  if (!values.name.trim()) errors.name = 'Please enter your name.';
  if (!EMAIL_PATTERN.test(values.email.trim())) errors.email = 'Please enter a valid email address, like name@example.com.';
  if (values.message.trim().length < 10) errors.message = 'Please write a message of at least 10 characters.';
  return errors;
}

export default function ContactSection({
  eyebrow, title, subtitle, submitLabel = 'Send message', successTitle = 'Message sent', successText, email, phone,
  address, action = '',
}) {
  const empty = { name: '', email: '', message: '' };
  const [values, setValues] = useState(empty);
  const [errors, setErrors] = useState({});
  const [status, setStatus] = useState('idle');

  const update = (event) => setValues({ ...values, [event.target.name]: event.target.value });

  const onSubmit = async (event) => {
    event.preventDefault();
    const found = validate(values);
    setErrors(found);
    if (Object.keys(found).length > 0) return;
    setStatus('sending');
    try {
      setStatus(await deliver(action, email, `Message from ${values.name}`, values));
      setValues(empty);
    } catch (err) {
      setStatus('failed');
    }
  };

  const field = (name) => ({
    id: `contact-${name}`,
    name,
    value: values[name],
    onChange: update,
    'aria-invalid': errors[name] ? 'true' : undefined,
    'aria-describedby': errors[name] ? `contact-${name}-error` : undefined,
  });

  return (
    <section className="section section--alt" aria-labelledby="contact-section-title">
      <div className="section__inner contact-section">
        <div>
          {eyebrow && <p className="section__eyebrow">{eyebrow}</p>}
          <h2 id="contact-section-title" className="section__title">{title}</h2>
          {subtitle && <p className="section__subtitle">{subtitle}</p>}
          <ul className="contact-section__details">
            {email && <li><a href={`mailto:${email}`}>{email}</a></li>}
            {phone && <li><a href={`tel:${phone.replace(/[^+\\d]/g, '')}`}>{phone}</a></li>}
            {address && <li>{address}</li>}
          </ul>
        </div>
        <form className="contact-section__form" onSubmit={onSubmit} noValidate>
          <div className="field">
            <label htmlFor="contact-name">Name</label>
            <input type="text" autoComplete="name" {...field('name')} />
            {errors.name && <p className="field__error" id="contact-name-error">{errors.name}</p>}
          </div>
          <div className="field">
            <label htmlFor="contact-email">Email</label>
            <input type="email" autoComplete="email" {...field('email')} />
            {errors.email && <p className="field__error" id="contact-email-error">{errors.email}</p>}
          </div>
          <div className="field">
            <label htmlFor="contact-message">Message</label>
            <textarea rows={5} {...field('message')} />
            {errors.message && <p className="field__error" id="contact-message-error">{errors.message}</p>}
          </div>
          <button className="button" type="submit" disabled={status === 'sending'}>
            {status === 'sending' ? 'Sending…' : submitLabel}
          </button>
          <div role="status" aria-live="polite">
            {status === 'sent' && <p className="form-status"><strong>{successTitle}.</strong> {successText}</p>}
            {status === 'handed-off' && <p className="form-status">Your email app has opened with your message to {email}.</p>}
            {status === 'failed' && <p className="form-status">Sorry, the message could not be sent. Please email {email}.</p>}
          </div>
        </form>
      </div>
    </section>
  );
}
""", """.contact-section { display: grid; gap: 2.5rem; }
.contact-section__details { list-style: none; margin: 1.5rem 0 0; padding: 0; display: grid; gap: 0.5rem; }
.contact-section__form { display: grid; gap: 1rem; padding: 1.75rem; border-radius: var(--radius-lg); background: var(--color-surface); box-shadow: var(--shadow); }
@media (min-width: 860px) { .contact-section { grid-template-columns: 2fr 3fr; align-items: start; } }
""")

OWN_COMPONENTS["booking-form"] = ("BookingSection", """import React, { useState } from 'react';
import './BookingSection.css';

const EMAIL_PATTERN = /^[^\\s@]+@[^\\s@]+\\.[^\\s@]{2,}$/;
""" + _SUBMIT + """
function today() {
  return new Date().toISOString().slice(0, 10);
}

export default function BookingSection({
  eyebrow, title, subtitle, submitLabel = 'Request booking', partyLabel, serviceLabel, services, successText, email,
  action = '',
}) {
  const empty = { name: '', email: '', date: '', time: '', party: '2', service: '', notes: '' };
  const [values, setValues] = useState(empty);
  const [errors, setErrors] = useState({});
  const [status, setStatus] = useState('idle');

  const update = (event) => setValues({ ...values, [event.target.name]: event.target.value });

  const onSubmit = async (event) => {
    event.preventDefault();
    const found = {};
    if (!values.name.trim()) found.name = 'Please enter your name.';
    if (!EMAIL_PATTERN.test(values.email.trim())) found.email = 'Please enter a valid email address.';
    if (!values.date || values.date < today()) found.date = 'Please choose a date from today on.';
    setErrors(found);
    if (Object.keys(found).length > 0) return;
    setStatus('sending');
    try {
      setStatus(await deliver(action, email, `Booking request from ${values.name}`, values));
    } catch (err) {
      setStatus('failed');
    }
  };

  const field = (name) => ({
    id: `booking-${name}`,
    name,
    value: values[name],
    onChange: update,
    'aria-invalid': errors[name] ? 'true' : undefined,
    'aria-describedby': errors[name] ? `booking-${name}-error` : undefined,
  });

  return (
    <section className="section section--alt" aria-labelledby="booking-section-title">
      <div className="section__inner booking-section">
        <header className="section__header">
          {eyebrow && <p className="section__eyebrow">{eyebrow}</p>}
          <h2 id="booking-section-title" className="section__title">{title}</h2>
          {subtitle && <p className="section__subtitle">{subtitle}</p>}
        </header>
        {status === 'sent' || status === 'handed-off' ? (
          <p className="form-status" role="status">
            {status === 'sent' ? successText : `Your email app has opened with your request to ${email}.`}
          </p>
        ) : (
          <form className="booking-section__form" onSubmit={onSubmit} noValidate>
            <div className="field">
              <label htmlFor="booking-name">Name</label>
              <input type="text" autoComplete="name" {...field('name')} />
              {errors.name && <p className="field__error" id="booking-name-error">{errors.name}</p>}
            </div>
            <div className="field">
              <label htmlFor="booking-email">Email</label>
              <input type="email" autoComplete="email" {...field('email')} />
              {errors.email && <p className="field__error" id="booking-email-error">{errors.email}</p>}
            </div>
            <div className="field">
              <label htmlFor="booking-date">Date</label>
              <input type="date" min={today()} {...field('date')} />
              {errors.date && <p className="field__error" id="booking-date-error">{errors.date}</p>}
            </div>
            <div className="field">
              <label htmlFor="booking-time">Preferred time</label>
              <input type="time" {...field('time')} />
            </div>
            {partyLabel && (
              <div className="field">
                <label htmlFor="booking-party">{partyLabel}</label>
                <input type="number" min="1" max="20" {...field('party')} />
              </div>
            )}
            {serviceLabel && services && (
              <div className="field">
                <label htmlFor="booking-service">{serviceLabel}</label>
                <select {...field('service')}>
                  <option value="">Choose…</option>
                  {services.map((service) => <option key={service} value={service}>{service}</option>)}
                </select>
              </div>
            )}
            <div className="field booking-section__wide">
              <label htmlFor="booking-notes">Anything we should know?</label>
              <textarea rows={3} {...field('notes')} />
            </div>
            <button className="button booking-section__wide" type="submit" disabled={status === 'sending'}>
              {status === 'sending' ? 'Sending…' : submitLabel}
            </button>
            {status === 'failed' && (
              <p className="field__error booking-section__wide" role="alert">Sorry, that did not go through. Please email {email}.</p>
            )}
          </form>
        )}
      </div>
    </section>
  );
}
""", """.booking-section { max-width: 46rem; }
.booking-section__form { display: grid; gap: 1rem; padding: 1.75rem; border-radius: var(--radius-lg); background: var(--color-surface); box-shadow: var(--shadow); }
@media (min-width: 640px) { .booking-section__form { grid-template-columns: 1fr 1fr; } .booking-section__wide { grid-column: 1 / -1; } }
""")

OWN_COMPONENTS["map"] = ("VisitUs", """import React from 'react';
import './VisitUs.css';

export default function VisitUs({ eyebrow, title, address, phone, email, hours = [], directionsHref }) {
  return (
    <section className="section" aria-labelledby="visit-us-title">
      <div className="section__inner visit-us">
        <div>
          {eyebrow && <p className="section__eyebrow">{eyebrow}</p>}
          <h2 id="visit-us-title" className="section__title">{title}</h2>
          {address && <p className="visit-us__address">{address}</p>}
          <p className="visit-us__contact">
            {phone && <a href={`tel:${phone.replace(/[^+\\d]/g, '')}`}>{phone}</a>}
            {email && <a href={`mailto:${email}`}>{email}</a>}
          </p>
          {directionsHref && address && (
            <a className="button button--ghost" href={directionsHref} target="_blank" rel="noopener noreferrer">
              Get directions
            </a>
          )}
        </div>
        <div className="visit-us__hours">
          <h3>Opening hours</h3>
          <dl>
            {hours.map((row) => (
              <div key={row.days} className="visit-us__row">
                <dt>{row.days}</dt>
                <dd>{row.time}</dd>
              </div>
            ))}
          </dl>
        </div>
      </div>
    </section>
  );
}
""", """.visit-us { display: grid; gap: 2rem; }
.visit-us__address { font-size: 1.15rem; margin: 1rem 0 0.5rem; }
.visit-us__contact { display: flex; flex-wrap: wrap; gap: 0.5rem 1.5rem; margin: 0 0 1.5rem; }
.visit-us__hours { padding: 1.75rem; border-radius: var(--radius-lg); background: var(--color-surface-alt); }
.visit-us__hours dl { margin: 1rem 0 0; }
.visit-us__row { display: flex; justify-content: space-between; gap: 1rem; padding: 0.6rem 0; border-bottom: 1px solid var(--color-border); }
.visit-us__row dd { margin: 0; font-weight: 600; }
@media (min-width: 860px) { .visit-us { grid-template-columns: 1fr 1fr; align-items: center; } }
""")

OWN_COMPONENTS["footer"] = ("SiteFooter", """import React from 'react';
import './SiteFooter.css';

export default function SiteFooter({ brand, tagline, links = [], email, phone, address }) {
  const year = new Date().getFullYear();
  return (
    <footer className="site-footer">
      <div className="site-footer__inner">
        <div>
          <p className="site-footer__brand">{brand}</p>
          {tagline && <p className="site-footer__tagline">{tagline}</p>}
        </div>
        <nav aria-label="Footer">
          <ul className="site-footer__links">
            {links.map((link) => <li key={link.href}><a href={link.href}>{link.label}</a></li>)}
          </ul>
        </nav>
        <address className="site-footer__contact">
          {email && <a href={`mailto:${email}`}>{email}</a>}
          {phone && <span>{phone}</span>}
          {address && <span>{address}</span>}
        </address>
      </div>
      <p className="site-footer__legal">© {year} {brand}. All rights reserved.</p>
    </footer>
  );
}
""", """.site-footer { padding: 3rem 1.25rem 1.5rem; background: var(--color-surface-alt); border-top: 1px solid var(--color-border); }
.site-footer__inner { max-width: var(--maxw); margin: 0 auto; display: grid; gap: 2rem; grid-template-columns: repeat(auto-fit, minmax(14rem, 1fr)); }
.site-footer__brand { margin: 0; font-family: var(--font-heading); font-size: 1.3rem; font-weight: 700; }
.site-footer__tagline { margin: 0.5rem 0 0; color: var(--color-muted); }
.site-footer__links { list-style: none; margin: 0; padding: 0; display: grid; gap: 0.4rem; }
.site-footer__links a { color: var(--color-text); }
.site-footer__contact { display: flex; flex-direction: column; gap: 0.4rem; font-style: normal; color: var(--color-muted); }
.site-footer__legal { max-width: var(--maxw); margin: 2rem auto 0; padding-top: 1rem; border-top: 1px solid var(--color-border); color: var(--color-muted); font-size: 0.85rem; }
""")


def own_component_name(section: str) -> str:
    """The name of the offline provider's own component for a section kind (the name asked of a model too)."""
    if section in OWN_COMPONENTS:
        return OWN_COMPONENTS[section][0]
    return "".join(part.capitalize() for part in section.split("-")) + "Section"


def component_files(section: str) -> tuple[str, dict[str, str]]:
    """(component name, {path: text}) of the offline provider's own component for a section kind."""
    name, jsx, css = OWN_COMPONENTS[section]
    return name, {f"src/components/{name}.jsx": jsx, f"src/components/{name}.css": css}
