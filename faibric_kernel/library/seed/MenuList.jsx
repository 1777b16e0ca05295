import React from 'react';
import './MenuList.css';

const DEFAULT_SECTIONS = [
  {
    name: 'Starters',
    items: [
      { name: 'Burrata & heirloom tomato', description: 'Basil oil, sea salt, grilled sourdough', price: '12', tags: ['V'] },
      { name: 'Crispy calamari', description: 'Lemon aioli, chilli, parsley', price: '11' },
      { name: 'Roasted beet salad', description: 'Whipped feta, walnuts, orange', price: '10', tags: ['V', 'GF'] },
    ],
  },
  {
    name: 'Mains',
    items: [
      { name: 'Wood-fired margherita', description: 'San Marzano tomato, fior di latte, basil', price: '16', tags: ['V'] },
      { name: 'Seared salmon', description: 'Crushed potatoes, green beans, caper butter', price: '24', tags: ['GF'] },
      { name: 'Slow-braised short rib', description: 'Polenta, gremolata, red wine jus', price: '27' },
    ],
  },
  {
    name: 'Desserts',
    items: [
      { name: 'Tiramisu', description: 'Espresso, mascarpone, cocoa', price: '9', tags: ['V'] },
      { name: 'Olive oil cake', description: 'Citrus, crème fraîche', price: '8', tags: ['V'] },
    ],
  },
];

const DEFAULT_LEGEND = { V: 'Vegetarian', GF: 'Gluten free', VG: 'Vegan' };

export default function MenuList({
  eyebrow = 'Our menu',
  title = 'Seasonal, simple, made from scratch',
  note = 'Please tell your server about any allergies. Menu changes with the seasons.',
  currency = '$',
  sections = DEFAULT_SECTIONS,
  legend = DEFAULT_LEGEND,
}) {
  return (
    <section className="menu-list" id="menu" aria-labelledby="menu-list-title">
      <div className="menu-list__inner">
        <header className="menu-list__header">
          {eyebrow && <p className="menu-list__eyebrow">{eyebrow}</p>}
          <h2 id="menu-list-title" className="menu-list__title">{title}</h2>
        </header>
        <div className="menu-list__sections">
          {sections.map((section) => (
            <section className="menu-list__section" key={section.name} aria-label={section.name}>
              <h3 className="menu-list__section-title">{section.name}</h3>
              <ul className="menu-list__items">
                {section.items.map((item) => (
                  <li className="menu-list__item" key={item.name}>
                    <div className="menu-list__row">
                      <span className="menu-list__name">{item.name}</span>
                      <span className="menu-list__dots" aria-hidden="true" />
                      <span className="menu-list__price">{currency}{item.price}</span>
                    </div>
                    {item.description && <p className="menu-list__desc">{item.description}</p>}
                    {item.tags && item.tags.length > 0 && (
                      <p className="menu-list__tags">
                        {item.tags.map((tag) => (
                          <abbr key={tag} title={legend[tag] || tag} className="menu-list__tag">{tag}</abbr>
                        ))}
                      </p>
                    )}
                  </li>
                ))}
              </ul>
            </section>
          ))}
        </div>
        <p className="menu-list__note">
          {Object.entries(legend).map(([key, label]) => (
            <span key={key} className="menu-list__legend"><abbr className="menu-list__tag" title={label}>{key}</abbr> {label}</span>
          ))}
        </p>
        {note && <p className="menu-list__note">{note}</p>}
      </div>
    </section>
  );
}
