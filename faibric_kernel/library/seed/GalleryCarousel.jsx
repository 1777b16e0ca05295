import React, { useState } from 'react';
import './GalleryCarousel.css';

const DEFAULT_SLIDES = [
  { title: 'The dining room', caption: 'Seats 40, with a long table for groups', alt: 'Stylised illustration of a dining room with pendant lights', image: '' },
  { title: 'The terrace', caption: 'Open from May to September', alt: 'Stylised illustration of an outdoor terrace under the sun', image: '' },
  { title: 'The kitchen', caption: 'Where the magic happens, from 6 am', alt: 'Stylised illustration of an open kitchen counter', image: '' },
  { title: 'The counter', caption: 'Grab-and-go coffee and pastries', alt: 'Stylised illustration of a café counter with cups', image: '' },
];

function Scene({ index, label, image }) {
  // a site's own illustration (an SVG data URL) replaces the stylised room
  if (image) return <img className="gallery-carousel__art gallery-carousel__img" src={image} alt={label} />;
  return (
    <svg className="gallery-carousel__art" viewBox="0 0 640 360" role="img" aria-label={label} preserveAspectRatio="xMidYMid slice">
      <rect className="gallery-carousel__sky" width="640" height="360" />
      <circle className="gallery-carousel__glow" cx={140 + index * 120} cy="110" r="70" />
      <rect className="gallery-carousel__floor" y="250" width="640" height="110" />
      <rect className="gallery-carousel__shape" x={60 + index * 30} y="170" width="220" height="80" rx="12" />
      <rect className="gallery-carousel__shape gallery-carousel__shape--alt" x={330 - index * 20} y="140" width="240" height="110" rx="12" />
      <path className="gallery-carousel__line" d={`M${100 + index * 40} 0v90m200-90v70m160-70v100`} />
      <circle className="gallery-carousel__lamp" cx={100 + index * 40} cy="96" r="12" />
      <circle className="gallery-carousel__lamp" cx={300 + index * 40} cy="76" r="12" />
      <circle className="gallery-carousel__lamp" cx={460 + index * 40} cy="106" r="12" />
    </svg>
  );
}

export default function GalleryCarousel({
  title = 'Take a look around',
  slides = DEFAULT_SLIDES,
}) {
  const [index, setIndex] = useState(0);
  const count = slides.length;
  const go = (next) => setIndex((next + count) % count);
  const slide = slides[index];
  return (
    <section className="gallery-carousel" id="gallery" aria-labelledby="gallery-carousel-title">
      <div className="gallery-carousel__inner">
        <div className="gallery-carousel__top">
          <h2 id="gallery-carousel-title" className="gallery-carousel__title">{title}</h2>
          <div className="gallery-carousel__controls">
            <button type="button" className="gallery-carousel__arrow" onClick={() => go(index - 1)} aria-label="Previous slide">
              <svg viewBox="0 0 20 20" aria-hidden="true" focusable="false"><path d="m12.5 4 1.1 1.1L8.7 10l4.9 4.9-1.1 1.1-6-6z" /></svg>
            </button>
            <button type="button" className="gallery-carousel__arrow" onClick={() => go(index + 1)} aria-label="Next slide">
              <svg viewBox="0 0 20 20" aria-hidden="true" focusable="false"><path d="M7.5 4 6.4 5.1l4.9 4.9-4.9 4.9L7.5 16l6-6z" /></svg>
            </button>
          </div>
        </div>
        <div className="gallery-carousel__stage" role="group" aria-roledescription="carousel" aria-label={title}>
          <figure
            className="gallery-carousel__slide"
            key={slide.title}
            role="group"
            aria-roledescription="slide"
            aria-label={`${index + 1} of ${count}`}
          >
            <Scene index={index} label={slide.alt} image={slide.image} />
            <figcaption className="gallery-carousel__caption">
              <strong>{slide.title}</strong>
              <span>{slide.caption}</span>
            </figcaption>
          </figure>
          <p className="gallery-carousel__live" aria-live="polite">Slide {index + 1} of {count}: {slide.title}</p>
        </div>
        <div className="gallery-carousel__dots">
          {slides.map((item, i) => (
            <button
              key={item.title}
              type="button"
              className="gallery-carousel__dot"
              aria-label={`Show slide ${i + 1}: ${item.title}`}
              aria-current={i === index ? 'true' : undefined}
              onClick={() => go(i)}
            />
          ))}
        </div>
      </div>
    </section>
  );
}
