import React, { useState } from 'react';
import './ShopCart.css';

// The fixed words, in English unless the site passes its own language's (labels prop).
const DEFAULT_LABELS = {
  add: 'Add to cart', cart: 'Your cart', empty: 'Your cart is empty.', total: 'Total', checkout: 'Send order',
  remove: 'Remove', more: 'One more', less: 'One less', sent: 'Thank you! We will confirm your order by email.',
  handedOff: 'Your email app has opened with your order to {email}.', failed: 'Sorry, that did not go through. Please email {email}.',
  subject: 'Order', added: 'Added to your cart: {name}', email: 'Email', errEmail: 'Please enter a valid email address, like name@example.com.',
};
const EMAIL_PATTERN = /^[^\s@]+@[^\s@]+\.[^\s@]{2,}$/;

export default function ShopCart({
  eyebrow, title, subtitle, currency = '$', items = [], email = '', action = '', labels = {},
}) {
  const t = { ...DEFAULT_LABELS, ...labels };
  const [lines, setLines] = useState({});
  const [buyer, setBuyer] = useState('');
  const [error, setError] = useState('');
  const [status, setStatus] = useState('idle');
  const [announce, setAnnounce] = useState('');
  const price = (item) => Number(String(item.price).replace(',', '.')) || 0;
  const chosen = items.filter((item) => lines[item.name] > 0);
  const total = chosen.reduce((sum, item) => sum + price(item) * lines[item.name], 0);
  const change = (name, delta) => setLines({ ...lines, [name]: Math.max(0, (lines[name] || 0) + delta) });

  const checkout = async (event) => {
    event.preventDefault();
    if (!EMAIL_PATTERN.test(buyer.trim())) {
      setError(t.errEmail);
      return;
    }
    setError('');
    const order = chosen.map((item) => `${lines[item.name]} x ${item.name}`).join(', ');
    const values = { email: buyer.trim(), order, total: `${currency}${total.toFixed(2)}` };
    try {
      if (action) {
        const response = await fetch(action, {
          method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(values),
        });
        if (!response.ok) throw new Error(`HTTP ${response.status}`);
        setStatus('sent');
      } else {
        const body = Object.entries(values).map(([key, value]) => `${key}: ${value}`).join('\n');
        window.location.href = `mailto:${email}?subject=${encodeURIComponent(t.subject)}&body=${encodeURIComponent(body)}`;
        setStatus('handed-off');
      }
    } catch (err) {
      setStatus('failed');
    }
  };

  return (
    <section className="section" aria-labelledby="shop-cart-title">
      <div className="section__inner shop-cart">
        <header className="section__header">
          {eyebrow && <p className="section__eyebrow">{eyebrow}</p>}
          <h2 id="shop-cart-title" className="section__title">{title}</h2>
          {subtitle && <p className="section__subtitle">{subtitle}</p>}
        </header>
        <ul className="shop-cart__grid">
          {items.map((item, index) => (
            <li key={item.name} className="shop-cart__card">
              <div className={`shop-cart__art shop-cart__art--${index % 4}`} aria-hidden="true">
                {item.image && <img className="shop-cart__image" src={item.image} alt="" />}
              </div>
              {item.badge && <p className="shop-cart__badge">{item.badge}</p>}
              <h3>{item.name}</h3>
              <p className="shop-cart__description">{item.description}</p>
              <p className="shop-cart__price">{currency}{item.price}</p>
              <button
                type="button"
                className="button"
                onClick={() => { change(item.name, 1); setAnnounce(t.added.replace('{name}', item.name)); }}
              >
                {t.add}
              </button>
            </li>
          ))}
        </ul>
        <aside id="cart" className="shop-cart__cart" aria-labelledby="shop-cart-cart-title">
          <h3 id="shop-cart-cart-title">{t.cart}</h3>
          <p className="visually-hidden" role="status" aria-live="polite">{announce}</p>
          {chosen.length === 0 ? (
            <p>{t.empty}</p>
          ) : (
            <form onSubmit={checkout} noValidate>
              <ul className="shop-cart__lines">
                {chosen.map((item) => (
                  <li key={item.name}>
                    <span>{lines[item.name]} × {item.name}</span>
                    <span className="shop-cart__line-actions">
                      <button type="button" className="button button--ghost" aria-label={`${t.less}: ${item.name}`} onClick={() => change(item.name, -1)}>−</button>
                      <button type="button" className="button button--ghost" aria-label={`${t.more}: ${item.name}`} onClick={() => change(item.name, 1)}>+</button>
                      <button type="button" className="button button--ghost" onClick={() => change(item.name, -lines[item.name])}>{t.remove}</button>
                    </span>
                  </li>
                ))}
              </ul>
              <p className="shop-cart__total">{t.total}: {currency}{total.toFixed(2)}</p>
              <div className="field">
                <label htmlFor="shop-cart-email">{t.email}</label>
                <input id="shop-cart-email" type="email" autoComplete="email" value={buyer}
                  onChange={(event) => setBuyer(event.target.value)}
                  aria-invalid={error ? 'true' : undefined} aria-describedby={error ? 'shop-cart-email-error' : undefined} />
                {error && <p className="field__error" id="shop-cart-email-error">{error}</p>}
              </div>
              <button type="submit" className="button">{t.checkout}</button>
              <div role="status" aria-live="polite">
                {status === 'sent' && <p className="form-status">{t.sent}</p>}
                {status === 'handed-off' && <p className="form-status">{t.handedOff.replace('{email}', email)}</p>}
                {status === 'failed' && <p className="form-status">{t.failed.replace('{email}', email)}</p>}
              </div>
            </form>
          )}
        </aside>
      </div>
    </section>
  );
}
