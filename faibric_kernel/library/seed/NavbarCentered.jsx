import React, { useState } from 'react';
import './NavbarCentered.css';

const DEFAULT_LEFT = [
  { label: 'Menu', href: '#menu' },
  { label: 'Gallery', href: '#gallery' },
];
const DEFAULT_RIGHT = [
  { label: 'Visit', href: '#location' },
  { label: 'Contact', href: '#contact' },
];

export default function NavbarCentered({
  brand = 'Maison Flour',
  tagline = 'Bakery & Café',
  leftLinks = DEFAULT_LEFT,
  rightLinks = DEFAULT_RIGHT,
  ctaLabel = 'Book a table',
  ctaHref = '#booking',
}) {
  const [open, setOpen] = useState(false);
  const all = [...leftLinks, ...rightLinks];
  const renderLinks = (items) =>
    items.map((link) => (
      <li key={link.href + link.label}>
        <a href={link.href} onClick={() => setOpen(false)}>{link.label}</a>
      </li>
    ));
  return (
    <header className="nav-centered">
      <div className="nav-centered__inner">
        <nav className="nav-centered__side nav-centered__side--left" aria-label="Primary, left">
          <ul>{renderLinks(leftLinks)}</ul>
        </nav>
        <a className="nav-centered__brand" href="#top">
          <span className="nav-centered__name">{brand}</span>
          {tagline && <span className="nav-centered__tagline">{tagline}</span>}
        </a>
        <div className="nav-centered__side nav-centered__side--right">
          <nav aria-label="Primary, right">
            <ul>{renderLinks(rightLinks)}</ul>
          </nav>
          {ctaLabel && <a className="nav-centered__cta" href={ctaHref}>{ctaLabel}</a>}
        </div>
        <button
          type="button"
          className="nav-centered__toggle"
          aria-expanded={open}
          aria-controls="nav-centered-mobile"
          onClick={() => setOpen(!open)}
        >
          {open ? 'Close' : 'Menu'}
        </button>
      </div>
      <nav
        id="nav-centered-mobile"
        className={open ? 'nav-centered__mobile is-open' : 'nav-centered__mobile'}
        aria-label="Mobile"
      >
        <ul>{renderLinks(all)}</ul>
        {ctaLabel && <a className="nav-centered__cta" href={ctaHref} onClick={() => setOpen(false)}>{ctaLabel}</a>}
      </nav>
    </header>
  );
}
