import React from 'react';
import './AboutStory.css';

const DEFAULT_PARAGRAPHS = [
  'We started in 2015 with one oven, a borrowed mixer and a simple idea: make honest food with good ingredients, and treat every customer like a neighbour.',
  'A decade later we are a team of twelve, but the idea has not changed. We still know most of our regulars by name, and we still taste everything before it leaves the kitchen.',
];

const DEFAULT_FACTS = [
  { value: '2015', label: 'Founded' },
  { value: '12', label: 'People on the team' },
  { value: '100%', label: 'Local suppliers' },
];

export default function AboutStory({
  eyebrow = 'Our story',
  title = 'Small beginnings, big care',
  paragraphs = DEFAULT_PARAGRAPHS,
  facts = DEFAULT_FACTS,
  signature = 'Clara & Jonas, founders',
  imageLabel = 'Illustration of the founders at their first shop counter',
  stamp = '',
}) {
  return (
    <section className="about-story" id="about" aria-labelledby="about-story-title">
      <div className="about-story__inner">
        <div className="about-story__visual">
          <svg viewBox="0 0 400 460" role="img" aria-label={imageLabel}>
            <rect className="about-story__frame" x="10" y="10" width="380" height="440" rx="28" />
            <circle className="about-story__sun" cx="290" cy="110" r="56" />
            <path className="about-story__awning" d="M60 170h280l-20 40H80z" />
            <rect className="about-story__shop" x="80" y="210" width="240" height="190" />
            <rect className="about-story__window" x="110" y="240" width="80" height="70" rx="6" />
            <rect className="about-story__door" x="220" y="240" width="70" height="160" rx="6" />
            <circle className="about-story__sun" cx="275" cy="322" r="5" />
          </svg>
          {/* a founding year is a fact: shown only when the site gives one */}
          {stamp && <span className="about-story__stamp" aria-hidden="true">{stamp}</span>}
        </div>
        <div className="about-story__copy">
          {eyebrow && <p className="about-story__eyebrow">{eyebrow}</p>}
          <h2 id="about-story-title" className="about-story__title">{title}</h2>
          {paragraphs.map((text) => <p key={text.slice(0, 32)} className="about-story__text">{text}</p>)}
          {facts.length > 0 && (
            <dl className="about-story__facts">
              {facts.map((fact) => (
                <div key={fact.label}>
                  <dt>{fact.label}</dt>
                  <dd>{fact.value}</dd>
                </div>
              ))}
            </dl>
          )}
          {signature && <p className="about-story__signature">{signature}</p>}
        </div>
      </div>
    </section>
  );
}
