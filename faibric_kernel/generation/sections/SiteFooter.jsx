import React from 'react';
import './SiteFooter.css';

export default function SiteFooter({ brand, tagline, links = [], email, phone, address, labels = {} }) {
  const t = { footerNav: 'Footer', rights: 'All rights reserved.', ...labels };
  const year = new Date().getFullYear();
  return (
    <footer className="site-footer">
      <div className="site-footer__inner">
        <div>
          <p className="site-footer__brand">{brand}</p>
          {tagline && <p className="site-footer__tagline">{tagline}</p>}
        </div>
        <nav aria-label={t.footerNav}>
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
      <p className="site-footer__legal">© {year} {brand}. {t.rights}</p>
    </footer>
  );
}
