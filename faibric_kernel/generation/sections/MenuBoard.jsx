import React from 'react';
import './MenuBoard.css';

export default function MenuBoard({ eyebrow, title, subtitle, currency = '$', sections = [], note }) {
  return (
    <section className="section" aria-labelledby="menu-board-title">
      <div className="section__inner">
        <header className="section__header">
          {eyebrow && <p className="section__eyebrow">{eyebrow}</p>}
          <h2 id="menu-board-title" className="section__title">{title}</h2>
          {subtitle && <p className="section__subtitle">{subtitle}</p>}
        </header>
        <div className="menu-board">
          {sections.map((group) => (
            <div key={group.name} className="menu-board__group">
              <h3>{group.name}</h3>
              <ul>
                {group.items.map((item) => (
                  <li key={item.name} className="menu-board__item">
                    <div>
                      <p className="menu-board__name">{item.name}</p>
                      {item.description && <p className="menu-board__description">{item.description}</p>}
                    </div>
                    <p className="menu-board__price">{currency}{item.price}</p>
                  </li>
                ))}
              </ul>
            </div>
          ))}
        </div>
        {note && <p className="menu-board__note">{note}</p>}
      </div>
    </section>
  );
}
