import React from 'react';
import './LogoCloud.css';

const DEFAULT_LOGOS = [
  { name: 'Northwind', shape: 'circle' },
  { name: 'Bluepeak', shape: 'triangle' },
  { name: 'Greenleaf', shape: 'leaf' },
  { name: 'Ironclad', shape: 'square' },
  { name: 'Sunhaven', shape: 'sun' },
  { name: 'Riverton', shape: 'wave' },
];

const SHAPES = {
  circle: <circle cx="12" cy="12" r="9" />,
  triangle: <path d="M12 3 22 20H2z" />,
  leaf: <path d="M4 20C4 10 10 4 20 4c0 10-6 16-16 16zm2-2L16 8" />,
  square: <rect x="3" y="3" width="18" height="18" rx="4" />,
  sun: <path d="M12 7a5 5 0 1 0 0 10 5 5 0 0 0 0-10zM11 1h2v4h-2zm0 18h2v4h-2zM1 11h4v2H1zm18 0h4v2h-4z" />,
  wave: <path d="M2 14c3-4 5-4 8 0s5 4 8 0 4-3 4-3v6c-3 4-5 4-8 0s-5-4-8 0-4 3-4 3z" />,
};

export default function LogoCloud({
  title = 'Trusted by teams and businesses of every size',
  logos = DEFAULT_LOGOS,
}) {
  return (
    <section className="logo-cloud" aria-labelledby="logo-cloud-title">
      <div className="logo-cloud__inner">
        <h2 id="logo-cloud-title" className="logo-cloud__title">{title}</h2>
        <ul className="logo-cloud__list">
          {logos.map((logo) => (
            <li key={logo.name} className="logo-cloud__item">
              <svg viewBox="0 0 24 24" aria-hidden="true" focusable="false">{SHAPES[logo.shape] || SHAPES.circle}</svg>
              <span>{logo.name}</span>
            </li>
          ))}
        </ul>
      </div>
    </section>
  );
}
