import React from 'react';
import './FooterColumns.css';

const DEFAULT_COLUMNS = [
  { title: 'Product', links: [{ label: 'Features', href: '#features' }, { label: 'Pricing', href: '#pricing' }, { label: 'FAQ', href: '#faq' }] },
  { title: 'Company', links: [{ label: 'About', href: '#about' }, { label: 'Team', href: '#team' }, { label: 'Contact', href: '#contact' }] },
  { title: 'Legal', links: [{ label: 'Privacy', href: '#privacy' }, { label: 'Terms', href: '#terms' }, { label: 'Cookies', href: '#cookies' }] },
];

const DEFAULT_SOCIAL = [
  { label: 'Instagram', href: '#instagram', icon: 'M12 7.3a4.7 4.7 0 1 0 0 9.4 4.7 4.7 0 0 0 0-9.4zm0 7.7a3 3 0 1 1 0-6 3 3 0 0 1 0 6zm6-7.9a1.1 1.1 0 1 1-2.2 0 1.1 1.1 0 0 1 2.2 0zM12 3.6c2.7 0 3 0 4.1.1 1 0 1.6.2 1.9.3.5.2.8.4 1.2.8s.6.7.8 1.2c.1.4.3.9.3 1.9.1 1.1.1 1.4.1 4.1s0 3-.1 4.1c0 1-.2 1.6-.3 1.9-.2.5-.4.8-.8 1.2s-.7.6-1.2.8c-.4.1-.9.3-1.9.3-1.1.1-1.4.1-4.1.1s-3 0-4.1-.1c-1 0-1.6-.2-1.9-.3-.5-.2-.8-.4-1.2-.8s-.6-.7-.8-1.2c-.1-.4-.3-.9-.3-1.9C3.6 15 3.6 14.7 3.6 12s0-3 .1-4.1c0-1 .2-1.6.3-1.9.2-.5.4-.8.8-1.2s.7-.6 1.2-.8c.4-.1.9-.3 1.9-.3 1.1-.1 1.4-.1 4.1-.1z' },
  { label: 'Facebook', href: '#facebook', icon: 'M13.5 21v-7.5H16l.4-3h-2.9V8.6c0-.9.3-1.5 1.5-1.5h1.6V4.4c-.3 0-1.2-.1-2.3-.1-2.3 0-3.8 1.4-3.8 3.9v2.3H8v3h2.5V21z' },
  { label: 'LinkedIn', href: '#linkedin', icon: 'M6.9 8.8H3.8V20h3.1zM5.3 3.9a1.8 1.8 0 1 0 0 3.6 1.8 1.8 0 0 0 0-3.6zM20.2 13.5c0-3-.7-5-4-5-1.6 0-2.7.9-3.1 1.7V8.8h-3V20h3.1v-5.6c0-1.5.3-2.9 2.1-2.9s1.8 1.7 1.8 3V20h3.1z' },
];

export default function FooterColumns({
  brand = 'Lumen Studio',
  blurb = 'Helping small businesses make a great first impression online since 2015.',
  columns = DEFAULT_COLUMNS,
  social = DEFAULT_SOCIAL,
  copyright = `© ${new Date().getFullYear()} Lumen Studio. All rights reserved.`,
}) {
  return (
    <footer className="footer-columns">
      <div className="footer-columns__inner">
        <div className="footer-columns__brand">
          <p className="footer-columns__name">{brand}</p>
          <p className="footer-columns__blurb">{blurb}</p>
          {social.length > 0 && (
            <ul className="footer-columns__social">
              {social.map((item) => (
                <li key={item.label}>
                  <a href={item.href} aria-label={item.label}>
                    <svg viewBox="0 0 24 24" aria-hidden="true" focusable="false"><path d={item.icon} /></svg>
                  </a>
                </li>
              ))}
            </ul>
          )}
        </div>
        <nav className="footer-columns__nav" aria-label="Footer">
          {columns.map((column) => (
            <div key={column.title} className="footer-columns__col">
              <h2 className="footer-columns__heading">{column.title}</h2>
              <ul>
                {column.links.map((link) => (
                  <li key={link.label}><a href={link.href}>{link.label}</a></li>
                ))}
              </ul>
            </div>
          ))}
        </nav>
      </div>
      <div className="footer-columns__bottom">
        <p>{copyright}</p>
        <a href="#top" className="footer-columns__top">Back to top <span aria-hidden="true">↑</span></a>
      </div>
    </footer>
  );
}
