import React from 'react';
import './AppDownload.css';

// Phone screens drawn in SVG: stand-ins for real screenshots, one per feature the app offers.
function Phone({ title, index }) {
  return (
    <svg className="app-download__phone" viewBox="0 0 180 360" role="img" aria-label={title}>
      <rect x="4" y="4" width="172" height="352" rx="26" className="app-download__frame" />
      <rect x="16" y="28" width="148" height="304" rx="12" className="app-download__screen" />
      <rect x="64" y="12" width="52" height="8" rx="4" className="app-download__notch" />
      <rect x="28" y="44" width="100" height="12" rx="6" className="app-download__bar" />
      {[0, 1, 2, 3].map((row) => (
        <g key={row} transform={`translate(28 ${76 + row * 58})`}>
          <rect width="124" height="46" rx="10" className={row === index % 4 ? 'app-download__card is-active' : 'app-download__card'} />
          <circle cx="22" cy="23" r="12" className="app-download__dot" />
          <rect x="42" y="14" width="64" height="7" rx="3.5" className="app-download__line" />
          <rect x="42" y="27" width="44" height="6" rx="3" className="app-download__line app-download__line--soft" />
        </g>
      ))}
    </svg>
  );
}

export default function AppDownload({ eyebrow, title, text, appStoreLabel, appStoreHref, playLabel, playHref, screens = [] }) {
  return (
    <section className="section section--alt" aria-labelledby="app-download-title">
      <div className="section__inner app-download">
        <div className="app-download__copy">
          {eyebrow && <p className="section__eyebrow">{eyebrow}</p>}
          <h2 id="app-download-title" className="section__title">{title}</h2>
          {text && <p className="section__subtitle">{text}</p>}
          <p className="app-download__badges">
            <a className="app-download__badge" href={appStoreHref}>
              <svg viewBox="0 0 24 24" aria-hidden="true" focusable="false"><path d="M16.4 12.6c0-2.4 2-3.5 2-3.6-1.1-1.6-2.8-1.8-3.4-1.8-1.4-.1-2.8.9-3.5.9s-1.9-.9-3.1-.8c-1.6 0-3 .9-3.8 2.3-1.6 2.8-.4 7 1.2 9.3.8 1.1 1.7 2.4 2.9 2.3 1.2 0 1.6-.7 3-.7s1.8.7 3.1.7 2.1-1.1 2.8-2.3c.9-1.3 1.3-2.6 1.3-2.6s-2.5-1-2.5-3.7zM14.2 5.6c.6-.8 1.1-1.9 1-3-1 0-2.1.7-2.8 1.5-.6.7-1.1 1.8-1 2.9 1 .1 2.1-.6 2.8-1.4z" /></svg>
              <span>{appStoreLabel}</span>
            </a>
            <a className="app-download__badge" href={playHref}>
              <svg viewBox="0 0 24 24" aria-hidden="true" focusable="false"><path d="M4 2.5v19l10.2-9.5zM15.6 13.3l2.6 2.4-11 6.2zM15.6 10.7 7.2 2.1l11 6.2zM19.6 9.2l-2.8 2.8 2.8 2.8 1.9-1.1c.8-.5.8-2.9 0-3.4z" /></svg>
              <span>{playLabel}</span>
            </a>
          </p>
        </div>
        <ul className="app-download__screens">
          {screens.map((screen, index) => (
            <li key={screen.title}>
              <Phone title={screen.title} index={index} />
              <p>{screen.title}</p>
            </li>
          ))}
        </ul>
      </div>
    </section>
  );
}
