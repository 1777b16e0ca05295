import React from 'react';
import './NumbersBand.css';

export default function NumbersBand({ title, items = [] }) {
  return (
    <section className="numbers-band" aria-labelledby="numbers-band-title">
      <div className="section__inner">
        <h2 id="numbers-band-title" className="visually-hidden">{title}</h2>
        <dl className="numbers-band__list">
          {items.map((item) => (
            <div key={item.label} className="numbers-band__item">
              <dt>{item.label}</dt>
              <dd>{item.value}</dd>
            </div>
          ))}
        </dl>
      </div>
    </section>
  );
}
