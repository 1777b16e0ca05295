import React, { useState } from 'react';
import './ProductGrid.css';

const DEFAULT_PRODUCTS = [
  { name: 'Stoneware mug', price: 24, category: 'Kitchen', description: 'Hand-thrown, dishwasher safe, 350 ml.', badge: 'New', tone: 0, shape: 'mug', image: '' },
  { name: 'Linen tea towel', price: 16, category: 'Kitchen', description: 'Pre-washed Belgian linen, soft from day one.', tone: 1, shape: 'cloth', image: '' },
  { name: 'Beeswax candle', price: 18, category: 'Home', description: 'Pure beeswax, 40-hour burn time.', tone: 2, shape: 'candle', image: '' },
  { name: 'Wool throw', price: 89, category: 'Home', description: 'Woven in a family mill, generous size.', badge: 'Bestseller', tone: 0, shape: 'cloth', image: '' },
  { name: 'Notebook set', price: 22, category: 'Stationery', description: 'Three dot-grid notebooks, recycled paper.', tone: 1, shape: 'book', image: '' },
  { name: 'Brass pen', price: 35, category: 'Stationery', description: 'Solid brass that ages beautifully.', tone: 2, shape: 'pen', image: '' },
];

const SHAPES = {
  box: (<><rect className="product-grid__object" x="48" y="30" width="64" height="70" rx="14" /><rect className="product-grid__detail" x="58" y="44" width="44" height="8" rx="4" /></>),
  mug: (<><path className="product-grid__line" d="M104 50h8a14 14 0 0 1 0 28h-8" /><rect className="product-grid__object" x="48" y="38" width="60" height="62" rx="10" /><rect className="product-grid__detail" x="58" y="52" width="40" height="6" rx="3" /></>),
  cloth: (<><path className="product-grid__object" d="M40 40h80v52c-13 8-27-8-40 0s-27 8-40 0z" /><path className="product-grid__detail" d="M40 54h80v6H40zm0 14h80v6H40z" /></>),
  candle: (<><rect className="product-grid__object" x="60" y="44" width="40" height="56" rx="6" /><path className="product-grid__flame" d="M80 18c8 10 9 17 0 22-9-5-8-12 0-22z" /><rect className="product-grid__detail" x="68" y="56" width="24" height="5" rx="2.5" /></>),
  book: (<><rect className="product-grid__object product-grid__object--back" x="62" y="26" width="52" height="70" rx="5" /><rect className="product-grid__object" x="46" y="30" width="56" height="70" rx="5" /><rect className="product-grid__detail" x="52" y="30" width="6" height="70" /></>),
  pen: (<><path className="product-grid__object" d="M46 96 100 30l10 8-54 66-14 6z" /><path className="product-grid__detail" d="m96 35 10 8-4 5-10-8z" /></>),
};

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
                {product.image ? (
                  <img className="product-grid__img" src={product.image} alt="" />
                ) : (
                  <svg viewBox="0 0 160 120" role="img" aria-label={`Illustration of ${product.name}`}>
                    <ellipse className="product-grid__shadow" cx="80" cy="104" rx="46" ry="7" />
                    {SHAPES[product.shape] || SHAPES.box}
                  </svg>
                )}
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
