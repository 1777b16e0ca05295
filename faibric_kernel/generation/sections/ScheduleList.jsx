import React from 'react';
import './ScheduleList.css';

export default function ScheduleList({ eyebrow, title, subtitle, items = [] }) {
  return (
    <section className="section" aria-labelledby="schedule-list-title">
      <div className="section__inner">
        <header className="section__header">
          {eyebrow && <p className="section__eyebrow">{eyebrow}</p>}
          <h2 id="schedule-list-title" className="section__title">{title}</h2>
          {subtitle && <p className="section__subtitle">{subtitle}</p>}
        </header>
        <ol className="schedule-list">
          {items.map((item) => (
            <li key={item.time + item.title} className="schedule-list__item">
              <p className="schedule-list__time">{item.time}</p>
              <div>
                <h3>{item.title}</h3>
                {item.text && <p className="schedule-list__text">{item.text}</p>}
              </div>
              {item.place && <p className="schedule-list__place">{item.place}</p>}
            </li>
          ))}
        </ol>
      </div>
    </section>
  );
}
