import React from 'react';
import './FeaturesGrid.css';

const ICONS = {
  bolt: 'M13 2 4.5 13.5H11L10 22l8.5-11.5H12z',
  shield: 'M12 2 4 5v6c0 5 3.4 9.4 8 11 4.6-1.6 8-6 8-11V5zm-1.2 14.2-3.5-3.5 1.4-1.4 2.1 2.1 4.8-4.8 1.4 1.4z',
  heart: 'M12 21s-7.5-4.6-9.5-9.3C1.2 8.4 3.3 5 6.8 5c2 0 3.4 1.1 4.2 2.3h2C13.8 6.1 15.2 5 17.2 5c3.5 0 5.6 3.4 4.3 6.7C19.5 16.4 12 21 12 21z',
  chart: 'M4 20V10h3v10zm6.5 0V4h3v16zM17 20v-7h3v7z',
  clock: 'M12 2a10 10 0 1 0 0 20 10 10 0 0 0 0-20zm1 10.4 3.6 2.1-.8 1.4L11 13V6.5h2z',
  globe: 'M12 2a10 10 0 1 0 0 20 10 10 0 0 0 0-20zm6.9 9h-3a15.7 15.7 0 0 0-1.4-6A8 8 0 0 1 18.9 11zM12 4.1c.9 1.3 1.7 3.7 1.9 6.9h-3.8c.2-3.2 1-5.6 1.9-6.9zM9.5 5a15.7 15.7 0 0 0-1.4 6h-3A8 8 0 0 1 9.5 5zm-4.4 8h3a15.7 15.7 0 0 0 1.4 6 8 8 0 0 1-4.4-6zm6.9 6.9c-.9-1.3-1.7-3.7-1.9-6.9h3.8c-.2 3.2-1 5.6-1.9 6.9zm2.5-.9a15.7 15.7 0 0 0 1.4-6h3a8 8 0 0 1-4.4 6z',
};

const DEFAULT_FEATURES = [
  { icon: 'bolt', title: 'Fast by default', text: 'Pages load in a blink on any connection, so visitors stay and explore.' },
  { icon: 'shield', title: 'Secure and private', text: 'Modern security practices keep your customers and their data safe.' },
  { icon: 'heart', title: 'Made with care', text: 'Every detail is considered, from the first impression to the last click.' },
  { icon: 'chart', title: 'Grows with you', text: 'Start small and add pages, products and people as your business grows.' },
  { icon: 'clock', title: 'Saves you time', text: 'Update hours, menus and prices in minutes without calling anyone.' },
  { icon: 'globe', title: 'Reach more people', text: 'Looks great on phones, tablets and desktops, and is easy to find.' },
];

export default function FeaturesGrid({
  eyebrow = 'Why choose us',
  title = 'Everything you need to grow, nothing you don’t',
  subtitle = 'A focused set of tools that make running your business online feel effortless.',
  features = DEFAULT_FEATURES,
}) {
  const count = features.length;
  const columns = count % 4 === 0 ? 4 : count % 3 === 0 ? 3 : Math.min(Math.max(count, 1), 3);
  return (
    <section className="features-grid" id="features" aria-labelledby="features-grid-title">
      <div className="features-grid__inner">
        <header className="features-grid__header">
          {eyebrow && <p className="features-grid__eyebrow">{eyebrow}</p>}
          <h2 id="features-grid-title" className="features-grid__title">{title}</h2>
          {subtitle && <p className="features-grid__subtitle">{subtitle}</p>}
        </header>
        <ul className="features-grid__list" style={{ '--features-grid-cols': columns }}>
          {features.map((feature) => (
            <li className="features-grid__card" key={feature.title}>
              <span className="features-grid__icon" aria-hidden="true">
                <svg viewBox="0 0 24 24" aria-hidden="true" focusable="false">
                  <path d={ICONS[feature.icon] || ICONS.bolt} />
                </svg>
              </span>
              <h3 className="features-grid__card-title">{feature.title}</h3>
              <p className="features-grid__card-text">{feature.text}</p>
            </li>
          ))}
        </ul>
      </div>
    </section>
  );
}
