import React, { useState } from 'react';
import './ProductGrid.css';

const DEFAULT_PRODUCTS = [
  { name: 'Stoneware mug', price: 24, category: 'Kitchen', description: 'Hand-thrown, dishwasher safe, 350 ml.', badge: 'New', tone: 0 },
  { name: 'Linen tea towel', price: 16, category: 'Kitchen', description: 'Pre-washed Belgian linen, soft from day one.', tone: 1 },
  { name: 'Beeswax candle', price: 18, category: 'Home', description: 'Pure beeswax, 40-hour burn time.', tone: 2 },
  { name: 'Wool throw', price: 89, category: 'Home', description: 'Woven in a family mill, generous size.', badge: 'Bestseller', tone: 0 },
  { name: 'Notebook set', price: 22, category: 'Stationery', description: 'Three dot-grid notebooks, recycled paper.', tone: 1 },
  { name: 'Brass pen', price: 35, category: 'Stationery', description: 'Solid brass that ages beautifully.', tone: 2 },
];

export default function ProductGrid({
  eyebrow = 'Shop',
  title = 'Bestsellers and new arrivals',
  subtitle = 'Small-batch goods made to be used every day. Free delivery on orders over $50.',
  currency = '$',
  products = DEFAULT_PRODUCTS,
  addLabel = 'Add to basket',
}) {
  const categories = ['All', ...Array.from(new Set(products.map((p) => p.category).filter(Boolean)))];
  const [filter, setFilter] = useState('All');
  const [basket, setBasket] = useState({});
  const shown = filter === 'All' ? products : products.filter((p) => p.category === filter);
  const count = Object.values(basket).reduce((sum, n) => sum + n, 0);
  const total = products.reduce((sum, p) => sum + (basket[p.name] || 0) * p.price, 0);
  const add = (name) => setBasket({ ...basket, [name]: (basket[name] || 0) + 1 });

  return (
    <section className="product-grid" id="shop" aria-labelledby="product-grid-title">
      <div className="product-grid__inner">
        <header className="product-grid__header">
          {eyebrow && <p className="product-grid__eyebrow">{eyebrow}</p>}
          <h2 id="product-grid-title" className="product-grid__title">{title}</h2>
          {subtitle && <p className="product-grid__subtitle">{subtitle}</p>}
        </header>
        <div className="product-grid__toolbar">
          <div className="product-grid__filters" role="group" aria-label="Filter by category">
            {categories.map((category) => (
              <button key={category} type="button" aria-pressed={filter === category} onClick={() => setFilter(category)}>
                {category}
              </button>
            ))}
          </div>
          <p className="product-grid__basket" aria-live="polite">
            <svg viewBox="0 0 24 24" aria-hidden="true" focusable="false"><path d="M7 18a2 2 0 1 0 0 4 2 2 0 0 0 0-4zm10 0a2 2 0 1 0 0 4 2 2 0 0 0 0-4zM5.2 4l.9 2H20l-3.6 7H8.1l-.9 1.6V16H19v2H7a2 2 0 0 1-1.8-3l1.4-2.4L3 4H1V2h3.3z" /></svg>
            {count} {count === 1 ? 'item' : 'items'} · {currency}{total.toFixed(2)}
          </p>
        </div>
        <ul className="product-grid__list">
          {shown.map((product) => (
            <li className="product-grid__card" key={product.name}>
              <div className={`product-grid__media product-grid__media--${(product.tone || 0) % 3}`}>
                <svg viewBox="0 0 160 120" role="img" aria-label={`Illustration of ${product.name}`}>
                  <ellipse className="product-grid__shadow" cx="80" cy="104" rx="46" ry="7" />
                  <rect className="product-grid__object" x="48" y="30" width="64" height="70" rx="14" />
                  <rect className="product-grid__detail" x="58" y="44" width="44" height="8" rx="4" />
                </svg>
                {product.badge && <span className="product-grid__badge">{product.badge}</span>}
              </div>
              <div className="product-grid__body">
                <h3 className="product-grid__name">{product.name}</h3>
                <p className="product-grid__desc">{product.description}</p>
                <div className="product-grid__buy">
                  <span className="product-grid__price">{currency}{product.price}</span>
                  <button type="button" className="product-grid__add" onClick={() => add(product.name)}>
                    {basket[product.name] ? `Added (${basket[product.name]})` : addLabel}
                    <span className="product-grid__sr">: {product.name}</span>
                  </button>
                </div>
              </div>
            </li>
          ))}
        </ul>
      </div>
    </section>
  );
}
