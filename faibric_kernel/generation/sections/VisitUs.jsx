import React from 'react';
import './VisitUs.css';

export default function VisitUs({ eyebrow, title, address, phone, email, hours = [], directionsHref, labels = {} }) {
  const t = { openingHours: 'Opening hours', directions: 'Get directions', ...labels };
  return (
    <section className="section" aria-labelledby="visit-us-title">
      <div className="section__inner visit-us">
        <div>
          {eyebrow && <p className="section__eyebrow">{eyebrow}</p>}
          <h2 id="visit-us-title" className="section__title">{title}</h2>
          {address && <p className="visit-us__address">{address}</p>}
          <p className="visit-us__contact">
            {phone && <a href={`tel:${phone.replace(/[^+\d]/g, '')}`}>{phone}</a>}
            {email && <a href={`mailto:${email}`}>{email}</a>}
          </p>
          {directionsHref && address && (
            <a className="button button--ghost" href={directionsHref} target="_blank" rel="noopener noreferrer">
              {t.directions}
            </a>
          )}
        </div>
        <div className="visit-us__hours">
          <h3>{t.openingHours}</h3>
          <dl>
            {hours.map((row) => (
              <div key={row.days} className="visit-us__row">
                <dt>{row.days}</dt>
                <dd>{row.time}</dd>
              </div>
            ))}
          </dl>
        </div>
      </div>
    </section>
  );
}
