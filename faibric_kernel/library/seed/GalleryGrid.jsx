import React, { useEffect, useState } from 'react';
import './GalleryGrid.css';

const DEFAULT_ITEMS = [
  { title: 'Morning light', caption: 'Our space just after opening', alt: 'Abstract warm sunrise shapes', shape: 'sun', image: '' },
  { title: 'Handmade', caption: 'Every piece is finished by hand', alt: 'Abstract overlapping circles', shape: 'circles', image: '' },
  { title: 'The details', caption: 'Small touches make the difference', alt: 'Abstract diagonal stripes', shape: 'stripes', image: '' },
  { title: 'Together', caption: 'Events and workshops every month', alt: 'Abstract rolling hills', shape: 'hills', image: '' },
  { title: 'Fresh', caption: 'Seasonal and local whenever we can', alt: 'Abstract leaf shape', shape: 'leaf', image: '' },
  { title: 'After hours', caption: 'Private bookings available', alt: 'Abstract crescent moon and stars', shape: 'moon', image: '' },
];

function Artwork({ shape, label, image }) {
  // a site's own illustration (an SVG data URL) replaces the abstract shapes
  if (image) return <img className="gallery-grid__art gallery-grid__img" src={image} alt={label} />;
  const shapes = {
    sun: (<><circle className="gallery-grid__a" cx="100" cy="70" r="34" /><path className="gallery-grid__b" d="M0 110q50-30 100 0t100 0v40H0z" /></>),
    circles: (<><circle className="gallery-grid__a" cx="80" cy="75" r="42" /><circle className="gallery-grid__b" cx="125" cy="75" r="42" /></>),
    stripes: (<><path className="gallery-grid__a" d="M-20 150 90-10h30L10 150z" /><path className="gallery-grid__b" d="M50 150 160-10h30L80 150z" /></>),
    hills: (<><path className="gallery-grid__b" d="M0 150V95q40-45 90-5t110-10v70z" /><path className="gallery-grid__a" d="M0 150v-30q60-40 120 0t80-5v35z" /></>),
    leaf: (<path className="gallery-grid__a" d="M50 120C50 60 100 30 160 30c0 60-30 110-90 110-8 0-14-4-20-20zm10 8 70-70" />),
    moon: (<><path className="gallery-grid__a" d="M120 30a48 48 0 1 0 30 86 40 40 0 1 1-30-86z" /><circle className="gallery-grid__b" cx="50" cy="40" r="4" /><circle className="gallery-grid__b" cx="70" cy="110" r="3" /><circle className="gallery-grid__b" cx="165" cy="40" r="3" /></>),
  };
  return (
    <svg className="gallery-grid__art" viewBox="0 0 200 150" role="img" aria-label={label} preserveAspectRatio="xMidYMid slice">
      <rect className="gallery-grid__bg" width="200" height="150" />
      {shapes[shape] || shapes.sun}
    </svg>
  );
}

export default function GalleryGrid({
  eyebrow = 'Gallery',
  title = 'A look inside',
  subtitle = 'A few moments from our studio, our work and our community.',
  items = DEFAULT_ITEMS,
}) {
  const [openIndex, setOpenIndex] = useState(-1);
  const open = openIndex >= 0 ? items[openIndex] : null;

  useEffect(() => {
    if (!open) return undefined;
    const onKey = (event) => {
      if (event.key === 'Escape') setOpenIndex(-1);
      if (event.key === 'ArrowRight') setOpenIndex((i) => (i + 1) % items.length);
      if (event.key === 'ArrowLeft') setOpenIndex((i) => (i - 1 + items.length) % items.length);
    };
    window.addEventListener('keydown', onKey);
    const closeButton = document.getElementById('gallery-grid-close');
    if (closeButton) closeButton.focus();
    return () => window.removeEventListener('keydown', onKey);
  }, [open, items.length]);

  return (
    <section className="gallery-grid" id="gallery" aria-labelledby="gallery-grid-title">
      <div className="gallery-grid__inner">
        <header className="gallery-grid__header">
          {eyebrow && <p className="gallery-grid__eyebrow">{eyebrow}</p>}
          <h2 id="gallery-grid-title" className="gallery-grid__title">{title}</h2>
          {subtitle && <p className="gallery-grid__subtitle">{subtitle}</p>}
        </header>
        <ul className="gallery-grid__list">
          {items.map((item, index) => (
            <li key={item.title} className={`gallery-grid__item gallery-grid__tone-${index % 3}`}>
              <button type="button" className="gallery-grid__button" onClick={() => setOpenIndex(index)}>
                <Artwork shape={item.shape} label={item.alt} image={item.image} />
                <span className="gallery-grid__caption">
                  <span className="gallery-grid__item-title">{item.title}</span>
                  <span className="gallery-grid__item-text">{item.caption}</span>
                </span>
                <span className="gallery-grid__sr">Open larger view</span>
              </button>
            </li>
          ))}
        </ul>
      </div>
      {open && (
        <div className="gallery-grid__overlay" onClick={() => setOpenIndex(-1)}>
          <div
            className={`gallery-grid__dialog gallery-grid__tone-${openIndex % 3}`}
            role="dialog"
            aria-modal="true"
            aria-label={open.title}
            onClick={(event) => event.stopPropagation()}
          >
            <Artwork shape={open.shape} label={open.alt} image={open.image} />
            <div className="gallery-grid__dialog-bar">
              <div>
                <p className="gallery-grid__item-title">{open.title}</p>
                <p className="gallery-grid__dialog-text">{open.caption}</p>
              </div>
              <button id="gallery-grid-close" type="button" className="gallery-grid__close" onClick={() => setOpenIndex(-1)}>
                Close
              </button>
            </div>
          </div>
        </div>
      )}
    </section>
  );
}
