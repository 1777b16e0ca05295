import React from 'react';
import './CtaBand.css';

export default function CtaBand({ title, text, label, href = '#contact' }) {
  return (
    <section className="cta-band" aria-labelledby="cta-band-title">
      <div className="cta-band__inner">
        <h2 id="cta-band-title">{title}</h2>
        {text && <p>{text}</p>}
        <a className="cta-band__button" href={href}>{label}</a>
      </div>
    </section>
  );
}
