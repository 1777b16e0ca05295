import React, { useState } from 'react';
import './SiteHeader.css';

export default function SiteHeader({ brand, links = [], ctaLabel, ctaHref = '#contact', labels = {} }) {
  const t = { menu: 'Menu', close: 'Close', mainNav: 'Main', ...labels };
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
          {open ? t.close : t.menu}
        </button>
        <nav id="site-header-menu" className={open ? 'site-header__nav is-open' : 'site-header__nav'} aria-label={t.mainNav}>
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
