import React from 'react';
import './FeaturesAlternating.css';

const DEFAULT_ITEMS = [
  {
    title: 'Plan it in an afternoon',
    text: 'Tell us what you offer and who you serve. We turn it into a clear page structure with copy that sounds like you.',
    points: ['Guided questions', 'Ready-made sections', 'Your voice, not jargon'],
    art: 'board',
  },
  {
    title: 'Launch with confidence',
    text: 'Every page is checked on phones and desktops, tuned for speed and ready for search engines before it goes live.',
    points: ['Mobile-first layouts', 'Accessibility checks', 'Fast hosting'],
    art: 'rocket',
  },
  {
    title: 'Keep improving',
    text: 'See which pages bring customers in and adjust with a few clicks. Small changes, measurable results.',
    points: ['Simple analytics', 'Easy edits', 'Monthly tips'],
    art: 'chart',
  },
];

function Art({ kind }) {
  if (kind === 'rocket') {
    return (
      <svg viewBox="0 0 320 220" aria-hidden="true" focusable="false">
        <rect className="feat-alt__panel" width="320" height="220" rx="20" />
        <circle className="feat-alt__soft" cx="230" cy="70" r="46" />
        <path className="feat-alt__main" d="M160 40c30 20 40 60 30 100h-60c-10-40 0-80 30-100z" />
        <circle className="feat-alt__panel" cx="160" cy="95" r="14" />
        <path className="feat-alt__accent" d="M130 140l-22 30h30zM190 140l22 30h-30z" />
        <path className="feat-alt__accent" d="M148 148h24l-12 36z" />
      </svg>
    );
  }
  if (kind === 'chart') {
    return (
      <svg viewBox="0 0 320 220" aria-hidden="true" focusable="false">
        <rect className="feat-alt__panel" width="320" height="220" rx="20" />
        <rect className="feat-alt__soft" x="50" y="120" width="36" height="60" rx="6" />
        <rect className="feat-alt__soft" x="106" y="95" width="36" height="85" rx="6" />
        <rect className="feat-alt__main" x="162" y="70" width="36" height="110" rx="6" />
        <rect className="feat-alt__accent" x="218" y="40" width="36" height="140" rx="6" />
        <path className="feat-alt__line" d="M50 110 124 80l56-22 74-30" />
      </svg>
    );
  }
  return (
    <svg viewBox="0 0 320 220" aria-hidden="true" focusable="false">
      <rect className="feat-alt__panel" width="320" height="220" rx="20" />
      <rect className="feat-alt__main" x="36" y="36" width="110" height="70" rx="10" />
      <rect className="feat-alt__soft" x="164" y="36" width="120" height="30" rx="8" />
      <rect className="feat-alt__soft" x="164" y="76" width="90" height="30" rx="8" />
      <rect className="feat-alt__accent" x="36" y="124" width="70" height="60" rx="10" />
      <rect className="feat-alt__soft" x="120" y="124" width="164" height="60" rx="10" />
    </svg>
  );
}

export default function FeaturesAlternating({
  eyebrow = 'How it works',
  title = 'From idea to open doors in three steps',
  items = DEFAULT_ITEMS,
  stepLabel = '',
}) {
  return (
    <section className="feat-alt" aria-labelledby="feat-alt-title">
      <div className="feat-alt__inner">
        <header className="feat-alt__header">
          {eyebrow && <p className="feat-alt__eyebrow">{eyebrow}</p>}
          <h2 id="feat-alt-title" className="feat-alt__title">{title}</h2>
        </header>
        <ol className="feat-alt__rows">
          {items.map((item, index) => (
            <li className={index % 2 ? 'feat-alt__row feat-alt__row--flip' : 'feat-alt__row'} key={item.title}>
              <div className="feat-alt__art"><Art kind={item.art} /></div>
              <div className="feat-alt__copy">
                {/* numbered steps suit a process, not a list of features: only when asked for */}
                {stepLabel && <span className="feat-alt__step">{stepLabel} {index + 1}</span>}
                <h3 className="feat-alt__row-title">{item.title}</h3>
                <p className="feat-alt__text">{item.text}</p>
                {item.points && (
                  <ul className="feat-alt__points">
                    {item.points.map((point) => <li key={point}>{point}</li>)}
                  </ul>
                )}
              </div>
            </li>
          ))}
        </ol>
      </div>
    </section>
  );
}
