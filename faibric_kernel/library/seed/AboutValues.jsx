import React from 'react';
import './AboutValues.css';

const DEFAULT_VALUES = [
  { title: 'Quality first', text: 'We would rather do fewer things brilliantly than many things half-way.' },
  { title: 'Honest and clear', text: 'Plain prices, plain language and no surprises on the bill.' },
  { title: 'Rooted locally', text: 'We hire, buy and give back within a few miles of our door.' },
  { title: 'Always learning', text: 'Every piece of feedback makes the next visit a little better.' },
];

export default function AboutValues({
  eyebrow = 'About us',
  title = 'What we believe in',
  intro = 'We are an independent, family-run business. These are the principles behind every decision we make.',
  values = DEFAULT_VALUES,
}) {
  return (
    <section className="about-values" id="about" aria-labelledby="about-values-title">
      <div className="about-values__inner">
        <header className="about-values__header">
          {eyebrow && <p className="about-values__eyebrow">{eyebrow}</p>}
          <h2 id="about-values-title" className="about-values__title">{title}</h2>
          {intro && <p className="about-values__intro">{intro}</p>}
        </header>
        <ol className="about-values__list">
          {values.map((value, index) => (
            <li className="about-values__item" key={value.title}>
              <span className="about-values__num" aria-hidden="true">{String(index + 1).padStart(2, '0')}</span>
              <h3 className="about-values__item-title">{value.title}</h3>
              <p className="about-values__item-text">{value.text}</p>
            </li>
          ))}
        </ol>
      </div>
    </section>
  );
}
