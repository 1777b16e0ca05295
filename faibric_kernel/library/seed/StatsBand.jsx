import React from 'react';
import './StatsBand.css';

const DEFAULT_STATS = [
  { value: '12k+', label: 'Happy customers' },
  { value: '4.9/5', label: 'Average rating' },
  { value: '98%', label: 'Would recommend us' },
  { value: '15 yrs', label: 'In business' },
];

export default function StatsBand({
  title = 'Numbers we are proud of',
  subtitle = '',
  stats = DEFAULT_STATS,
}) {
  return (
    <section className="stats-band" aria-labelledby="stats-band-title">
      <div className="stats-band__inner">
        <h2 id="stats-band-title" className="stats-band__title">{title}</h2>
        {subtitle && <p className="stats-band__subtitle">{subtitle}</p>}
        <dl className="stats-band__list">
          {stats.map((stat) => (
            <div className="stats-band__item" key={stat.label}>
              <dt className="stats-band__label">{stat.label}</dt>
              <dd className="stats-band__value">{stat.value}</dd>
            </div>
          ))}
        </dl>
      </div>
    </section>
  );
}
