import React from 'react';
import './PeopleGrid.css';

function initials(name) {
  return name.split(' ').map((part) => part[0]).join('').slice(0, 2).toUpperCase();
}

export default function PeopleGrid({ eyebrow, title, subtitle, items = [] }) {
  return (
    <section className="section section--alt" aria-labelledby="people-grid-title">
      <div className="section__inner">
        <header className="section__header">
          {eyebrow && <p className="section__eyebrow">{eyebrow}</p>}
          <h2 id="people-grid-title" className="section__title">{title}</h2>
          {subtitle && <p className="section__subtitle">{subtitle}</p>}
        </header>
        <ul className="people-grid">
          {items.map((person) => (
            <li key={person.name} className="people-grid__card">
              <span className="people-grid__avatar" aria-hidden="true">{initials(person.name)}</span>
              <h3>{person.name}</h3>
              <p className="people-grid__role">{person.role}</p>
              {person.bio && <p className="people-grid__bio">{person.bio}</p>}
            </li>
          ))}
        </ul>
      </div>
    </section>
  );
}
