import React from 'react';
import './FaqTwoColumn.css';

const DEFAULT_ITEMS = [
  { question: 'Do I need an appointment?', answer: 'Walk-ins are welcome, but booking ahead guarantees your preferred time.' },
  { question: 'Where can I park?', answer: 'Free parking is available behind the building, with two accessible spaces by the entrance.' },
  { question: 'Which payment methods do you accept?', answer: 'All major cards, Apple Pay, Google Pay and cash.' },
  { question: 'Is the venue wheelchair accessible?', answer: 'Yes: step-free access throughout and an accessible bathroom on the ground floor.' },
  { question: 'Do you offer gift cards?', answer: 'Yes, in any amount. Ask in store or contact us and we’ll post one out.' },
  { question: 'What is your cancellation policy?', answer: 'Cancel or move your booking up to 24 hours before at no charge.' },
];

export default function FaqTwoColumn({
  title = 'Good to know',
  subtitle = 'Answers to the questions we hear most often.',
  contactLabel = 'Still have questions? Contact us',
  contactHref = '#contact',
  items = DEFAULT_ITEMS,
}) {
  return (
    <section className="faq-two" id="faq" aria-labelledby="faq-two-title">
      <div className="faq-two__inner">
        <header className="faq-two__aside">
          <h2 id="faq-two-title" className="faq-two__title">{title}</h2>
          {subtitle && <p className="faq-two__subtitle">{subtitle}</p>}
          {contactLabel && <a className="faq-two__link" href={contactHref}>{contactLabel} <span aria-hidden="true">→</span></a>}
        </header>
        <dl className="faq-two__list">
          {items.map((item) => (
            <div className="faq-two__item" key={item.question}>
              <dt className="faq-two__q">{item.question}</dt>
              <dd className="faq-two__a">{item.answer}</dd>
            </div>
          ))}
        </dl>
      </div>
    </section>
  );
}
