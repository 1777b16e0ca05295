import React, { useState } from 'react';
import './MenuTabs.css';

const DEFAULT_CATEGORIES = [
  {
    name: 'Breads',
    items: [
      { name: 'Country sourdough', description: '36-hour ferment, crackling crust', price: '7.50', badge: 'Bestseller' },
      { name: 'Seeded rye', description: 'Sunflower, flax and pumpkin seeds', price: '6.80' },
      { name: 'Baguette tradition', description: 'Baked every two hours', price: '3.20' },
      { name: 'Brioche loaf', description: 'Butter-rich and pillowy', price: '8.00' },
    ],
  },
  {
    name: 'Pastries',
    items: [
      { name: 'Butter croissant', description: 'Laminated over three days', price: '3.40', badge: 'Bestseller' },
      { name: 'Pain au chocolat', description: 'Two bars of dark chocolate', price: '3.80' },
      { name: 'Cardamom bun', description: 'Swedish-style knot, pearl sugar', price: '4.20', badge: 'New' },
      { name: 'Almond croissant', description: 'Twice-baked with frangipane', price: '4.50' },
    ],
  },
  {
    name: 'Cakes',
    items: [
      { name: 'Lemon drizzle slice', description: 'Sharp glaze, soft crumb', price: '4.00' },
      { name: 'Carrot cake', description: 'Cream cheese frosting, walnuts', price: '4.60' },
      { name: 'Celebration cake', description: 'Order 48 hours ahead, serves 12', price: '48.00' },
    ],
  },
  {
    name: 'Drinks',
    items: [
      { name: 'Flat white', description: 'Single-origin espresso', price: '3.60' },
      { name: 'Chai latte', description: 'House-spiced, oat milk available', price: '3.90' },
      { name: 'Fresh orange juice', description: 'Squeezed to order', price: '4.20' },
    ],
  },
];

export default function MenuTabs({
  title = 'Fresh from the oven',
  subtitle = 'Everything is baked on site each morning. Come early for the best choice.',
  currency = '£',
  categories = DEFAULT_CATEGORIES,
}) {
  const [active, setActive] = useState(0);
  const onKeyDown = (event) => {
    if (event.key === 'ArrowRight' || event.key === 'ArrowLeft') {
      event.preventDefault();
      const step = event.key === 'ArrowRight' ? 1 : -1;
      const next = (active + step + categories.length) % categories.length;
      setActive(next);
      const tab = document.getElementById(`menu-tabs-tab-${next}`);
      if (tab) tab.focus();
    }
  };
  const current = categories[active] || categories[0];
  return (
    <section className="menu-tabs" id="menu" aria-labelledby="menu-tabs-title">
      <div className="menu-tabs__inner">
        <header className="menu-tabs__header">
          <h2 id="menu-tabs-title" className="menu-tabs__title">{title}</h2>
          {subtitle && <p className="menu-tabs__subtitle">{subtitle}</p>}
        </header>
        <div className="menu-tabs__tablist" role="tablist" aria-label="Menu categories" onKeyDown={onKeyDown}>
          {categories.map((category, index) => (
            <button
              key={category.name}
              id={`menu-tabs-tab-${index}`}
              type="button"
              role="tab"
              aria-selected={index === active}
              aria-controls="menu-tabs-panel"
              tabIndex={index === active ? 0 : -1}
              className="menu-tabs__tab"
              onClick={() => setActive(index)}
            >
              {category.name}
            </button>
          ))}
        </div>
        <div
          id="menu-tabs-panel"
          role="tabpanel"
          aria-labelledby={`menu-tabs-tab-${active}`}
          className="menu-tabs__panel"
          tabIndex={0}
        >
          <ul className="menu-tabs__grid">
            {current.items.map((item) => (
              <li className="menu-tabs__card" key={item.name}>
                <div className="menu-tabs__card-top">
                  <h3 className="menu-tabs__name">{item.name}</h3>
                  <span className="menu-tabs__price">{currency}{item.price}</span>
                </div>
                <p className="menu-tabs__desc">{item.description}</p>
                {item.badge && <span className="menu-tabs__badge">{item.badge}</span>}
              </li>
            ))}
          </ul>
        </div>
      </div>
    </section>
  );
}
