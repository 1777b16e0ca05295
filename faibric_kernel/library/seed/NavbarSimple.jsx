import React, { useState } from 'react';
import './NavbarSimple.css';

const DEFAULT_LINKS = [
  { label: 'Features', href: '#features' },
  { label: 'Pricing', href: '#pricing' },
  { label: 'About', href: '#about' },
  { label: 'Contact', href: '#contact' },
];

export default function NavbarSimple({
  brand = 'Lumen Studio',
  links = DEFAULT_LINKS,
  ctaLabel = 'Get started',
  ctaHref = '#contact',
}) {
  const [open, setOpen] = useState(false);
  return (
    <header className="nav-simple">
      <div className="nav-simple__inner">
        <a className="nav-simple__brand" href="#top">
          <svg className="nav-simple__mark" viewBox="0 0 32 32" aria-hidden="true" focusable="false">
            <rect className="nav-simple__mark-bg" width="32" height="32" rx="9" />
            <path className="nav-simple__mark-fg" d="M10 22V10h4v8.5h8V22z" />
          </svg>
          <span>{brand}</span>
        </a>
        <button
          type="button"
          className="nav-simple__toggle"
          aria-expanded={open}
          aria-controls="nav-simple-menu"
          onClick={() => setOpen(!open)}
        >
          <span className="nav-simple__toggle-bars" aria-hidden="true" />
          <span className="nav-simple__sr">{open ? 'Close menu' : 'Open menu'}</span>
        </button>
        <nav
          id="nav-simple-menu"
          className={open ? 'nav-simple__menu is-open' : 'nav-simple__menu'}
          aria-label="Main"
        >
          <ul className="nav-simple__links">
            {links.map((link) => (
              <li key={link.href + link.label}>
                <a href={link.href} onClick={() => setOpen(false)}>{link.label}</a>
              </li>
            ))}
          </ul>
          {ctaLabel && (
            <a className="nav-simple__cta" href={ctaHref} onClick={() => setOpen(false)}>{ctaLabel}</a>
          )}
        </nav>
      </div>
    </header>
  );
}
