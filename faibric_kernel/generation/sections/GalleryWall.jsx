import React from 'react';
import './GalleryWall.css';

export default function GalleryWall({ eyebrow, title, subtitle, items = [] }) {
  return (
    <section className="section" aria-labelledby="gallery-wall-title">
      <div className="section__inner">
        <header className="section__header">
          {eyebrow && <p className="section__eyebrow">{eyebrow}</p>}
          <h2 id="gallery-wall-title" className="section__title">{title}</h2>
          {subtitle && <p className="section__subtitle">{subtitle}</p>}
        </header>
        <ul className="gallery-wall">
          {items.map((item, index) => (
            <li key={item.title} className="gallery-wall__tile">
              {item.image ? (
                <div className={`gallery-wall__art gallery-wall__art--${index % 3}`}>
                  <img className="gallery-wall__image" src={item.image} alt={item.alt} />
                </div>
              ) : (
                <div className={`gallery-wall__art gallery-wall__art--${index % 3}`} role="img" aria-label={item.alt} />
              )}
              <h3>{item.title}</h3>
              <p>{item.caption}</p>
            </li>
          ))}
        </ul>
      </div>
    </section>
  );
}
