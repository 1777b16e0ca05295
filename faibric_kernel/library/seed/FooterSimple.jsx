import React from 'react';
import './FooterSimple.css';

const DEFAULT_LINKS = [
  { label: 'Menu', href: '#menu' },
  { label: 'Visit', href: '#location' },
  { label: 'Contact', href: '#contact' },
  { label: 'Privacy', href: '#privacy' },
];

export default function FooterSimple({
  brand = 'Maison Flour',
  tagline = 'Baked fresh every morning.',
  links = DEFAULT_LINKS,
  address = '12 Baker Lane, Springfield',
  copyright = `© ${new Date().getFullYear()} Maison Flour`,
}) {
  return (
    <footer className="footer-simple">
      <div className="footer-simple__inner">
        <div className="footer-simple__brand">
          <p className="footer-simple__name">{brand}</p>
          {tagline && <p className="footer-simple__tagline">{tagline}</p>}
        </div>
        <nav aria-label="Footer">
          <ul className="footer-simple__links">
            {links.map((link) => (
              <li key={link.label}><a href={link.href}>{link.label}</a></li>
            ))}
          </ul>
        </nav>
        <div className="footer-simple__meta">
          {address && <address>{address}</address>}
          <p>{copyright}</p>
        </div>
      </div>
    </footer>
  );
}
