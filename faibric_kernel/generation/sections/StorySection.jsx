import React from 'react';
import './StorySection.css';

export default function StorySection({ eyebrow, title, paragraphs = [], highlights = [] }) {
  return (
    <section className="section story-section" aria-labelledby="story-section-title">
      <div className="section__inner story-section__grid">
        <div>
          {eyebrow && <p className="section__eyebrow">{eyebrow}</p>}
          <h2 id="story-section-title" className="section__title">{title}</h2>
          {paragraphs.map((text) => <p key={text.slice(0, 40)} className="story-section__text">{text}</p>)}
        </div>
        {highlights.length > 0 && (
          <ul className="story-section__highlights">
            {highlights.map((item) => <li key={item}>{item}</li>)}
          </ul>
        )}
      </div>
    </section>
  );
}
