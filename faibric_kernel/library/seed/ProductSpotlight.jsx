import React, { useState } from 'react';
import './ProductSpotlight.css';

const DEFAULT_OPTIONS = ['Small', 'Medium', 'Large'];
const DEFAULT_DETAILS = ['Made by hand in our studio', 'Free delivery over $50', '30-day returns'];

export default function ProductSpotlight({
  eyebrow = 'Featured product',
  name = 'The Everyday Tote',
  description = 'Heavy canvas, leather handles and an inside pocket for your keys. Built to carry a week of groceries and still look good on Sunday.',
  price = 68,
  currency = '$',
  options = DEFAULT_OPTIONS,
  details = DEFAULT_DETAILS,
  buttonLabel = 'Add to basket',
}) {
  const [option, setOption] = useState(options[1] || options[0] || '');
  const [quantity, setQuantity] = useState(1);
  const [added, setAdded] = useState(false);
  return (
    <section className="product-spotlight" aria-labelledby="product-spotlight-title">
      <div className="product-spotlight__inner">
        <div className="product-spotlight__media">
          <svg viewBox="0 0 400 400" role="img" aria-label={`Illustration of ${name}`}>
            <rect className="product-spotlight__bg" width="400" height="400" rx="32" />
            <path className="product-spotlight__handle" d="M150 150c0-60 100-60 100 0" />
            <path className="product-spotlight__bag" d="M100 150h200l20 190H80z" />
            <rect className="product-spotlight__pocket" x="150" y="220" width="100" height="60" rx="8" />
          </svg>
        </div>
        <div className="product-spotlight__info">
          {eyebrow && <p className="product-spotlight__eyebrow">{eyebrow}</p>}
          <h2 id="product-spotlight-title" className="product-spotlight__name">{name}</h2>
          <p className="product-spotlight__price">{currency}{price}</p>
          <p className="product-spotlight__desc">{description}</p>
          {options.length > 0 && (
            <fieldset className="product-spotlight__options">
              <legend>Size</legend>
              <div className="product-spotlight__chips">
                {options.map((item) => (
                  <label key={item} className="product-spotlight__chip">
                    <input type="radio" name="product-spotlight-option" value={item} checked={option === item}
                      onChange={() => { setOption(item); setAdded(false); }} />
                    <span>{item}</span>
                  </label>
                ))}
              </div>
            </fieldset>
          )}
          <div className="product-spotlight__buy">
            <div className="product-spotlight__qty">
              <button type="button" aria-label="Decrease quantity" onClick={() => setQuantity(Math.max(1, quantity - 1))}>−</button>
              <span aria-live="polite" aria-label={`Quantity ${quantity}`}>{quantity}</span>
              <button type="button" aria-label="Increase quantity" onClick={() => setQuantity(quantity + 1)}>+</button>
            </div>
            <button type="button" className="product-spotlight__add" onClick={() => setAdded(true)}>{buttonLabel}</button>
          </div>
          <p className="product-spotlight__status" role="status">
            {added ? `Added ${quantity} × ${name}${option ? ` (${option})` : ''} to your basket.` : ''}
          </p>
          {details.length > 0 && (
            <ul className="product-spotlight__details">
              {details.map((item) => <li key={item}>{item}</li>)}
            </ul>
          )}
        </div>
      </div>
    </section>
  );
}
