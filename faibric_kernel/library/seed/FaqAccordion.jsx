import React, { useState } from 'react';
import './FaqAccordion.css';

const DEFAULT_ITEMS = [
  { question: 'How long does it take to get started?', answer: 'Most customers are up and running within a day. We guide you through every step and you can change anything later.' },
  { question: 'Can I cancel at any time?', answer: 'Yes. There are no long contracts: cancel from your account page and you won’t be charged again.' },
  { question: 'Do you offer refunds?', answer: 'If you’re not happy in your first 30 days, contact us and we’ll refund you in full, no questions asked.' },
  { question: 'Is my information secure?', answer: 'We use encrypted connections everywhere and never sell or share your data. You can export or delete it whenever you like.' },
  { question: 'How do I contact support?', answer: 'Use the contact form or email us. We answer within one working day, usually much sooner.' },
];

export default function FaqAccordion({
  eyebrow = 'FAQ',
  title = 'Frequently asked questions',
  subtitle = 'Can’t find what you’re looking for? Get in touch and we’ll help.',
  items = DEFAULT_ITEMS,
  allowMultiple = false,
}) {
  const [open, setOpen] = useState([0]);
  const toggle = (index) => {
    if (open.includes(index)) setOpen(open.filter((i) => i !== index));
    else setOpen(allowMultiple ? [...open, index] : [index]);
  };
  return (
    <section className="faq-accordion" id="faq" aria-labelledby="faq-accordion-title">
      <div className="faq-accordion__inner">
        <header className="faq-accordion__header">
          {eyebrow && <p className="faq-accordion__eyebrow">{eyebrow}</p>}
          <h2 id="faq-accordion-title" className="faq-accordion__title">{title}</h2>
          {subtitle && <p className="faq-accordion__subtitle">{subtitle}</p>}
        </header>
        <div className="faq-accordion__list">
          {items.map((item, index) => {
            const isOpen = open.includes(index);
            return (
              <div className={isOpen ? 'faq-accordion__item is-open' : 'faq-accordion__item'} key={item.question}>
                <h3 className="faq-accordion__q">
                  <button
                    type="button"
                    id={`faq-accordion-q-${index}`}
                    aria-expanded={isOpen}
                    aria-controls={`faq-accordion-a-${index}`}
                    onClick={() => toggle(index)}
                  >
                    <span>{item.question}</span>
                    <svg viewBox="0 0 20 20" aria-hidden="true" focusable="false"><path d="M10 4v12M4 10h12" /></svg>
                  </button>
                </h3>
                <div
                  id={`faq-accordion-a-${index}`}
                  role="region"
                  aria-labelledby={`faq-accordion-q-${index}`}
                  className="faq-accordion__a"
                  hidden={!isOpen}
                >
                  <p>{item.answer}</p>
                </div>
              </div>
            );
          })}
        </div>
      </div>
    </section>
  );
}
