import React from 'react';
import './MapLocation.css';

const DEFAULT_HOURS = [
  { days: 'Monday – Friday', time: '7:30 am – 6:00 pm' },
  { days: 'Saturday', time: '8:00 am – 5:00 pm' },
  { days: 'Sunday', time: '9:00 am – 2:00 pm' },
];

export default function MapLocation({
  eyebrow = 'Visit us',
  title = 'Find us in the heart of town',
  placeName = 'Maison Flour',
  address = '12 Baker Lane, Springfield, 01234',
  directionsNote = 'Two minutes from Central Station. Bike racks out front, free parking behind the building.',
  hours = DEFAULT_HOURS,
  phone = '+1 (555) 013-2448',
  directionsLabel = 'Get directions',
}) {
  const directionsHref = `https://www.openstreetmap.org/search?query=${encodeURIComponent(address)}`;
  return (
    <section className="map-location" id="location" aria-labelledby="map-location-title">
      <div className="map-location__inner">
        <div className="map-location__map">
          <svg viewBox="0 0 600 420" role="img" aria-label={`Map showing ${placeName} at ${address}`} preserveAspectRatio="xMidYMid slice">
            <rect className="map-location__land" width="600" height="420" />
            <path className="map-location__park" d="M40 40h150v110H40z" />
            <path className="map-location__water" d="M0 330c90-30 160 20 260-10s170-60 340-20v120H0z" />
            <g className="map-location__roads">
              <path d="M0 190h600M0 270h600M230 0v420M400 0v420" />
            </g>
            <g className="map-location__streets">
              <path d="M0 110h600M110 0v420M320 0v330M500 0v330M0 40h600" />
            </g>
            <g className="map-location__blocks">
              <rect x="250" y="205" width="60" height="50" rx="4" />
              <rect x="330" y="205" width="55" height="50" rx="4" />
              <rect x="420" y="125" width="65" height="50" rx="4" />
              <rect x="125" y="205" width="90" height="50" rx="4" />
              <rect x="250" y="125" width="55" height="50" rx="4" />
              <rect x="515" y="205" width="70" height="50" rx="4" />
            </g>
            <circle className="map-location__pulse" cx="320" cy="190" r="34" />
            <path className="map-location__pin" d="M320 120c-22 0-38 16-38 37 0 28 38 63 38 63s38-35 38-63c0-21-16-37-38-37z" />
            <circle className="map-location__pin-dot" cx="320" cy="157" r="13" />
          </svg>
        </div>
        <div className="map-location__info">
          {eyebrow && <p className="map-location__eyebrow">{eyebrow}</p>}
          <h2 id="map-location-title" className="map-location__title">{title}</h2>
          <address className="map-location__address">
            <strong>{placeName}</strong>
            <span>{address}</span>
            {phone && <a href={`tel:${phone.replace(/[^+\d]/g, '')}`}>{phone}</a>}
          </address>
          {directionsNote && <p className="map-location__note">{directionsNote}</p>}
          {hours.length > 0 && (
            <div className="map-location__hours">
              <h3 className="map-location__hours-title">Opening hours</h3>
              <dl>
                {hours.map((row) => (
                  <div key={row.days} className="map-location__row">
                    <dt>{row.days}</dt>
                    <dd>{row.time}</dd>
                  </div>
                ))}
              </dl>
            </div>
          )}
          <a className="map-location__btn" href={directionsHref} target="_blank" rel="noopener noreferrer">
            {directionsLabel}<span className="map-location__sr"> (opens in a new tab)</span>
          </a>
        </div>
      </div>
    </section>
  );
}
