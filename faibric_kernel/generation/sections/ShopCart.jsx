import React, { useState } from 'react';
import './ShopCart.css';

// The fixed words, in English unless the site passes its own language's (labels prop).
const DEFAULT_LABELS = {
  add: 'Add to cart', cart: 'Your cart', empty: 'Your cart is empty.', total: 'Total', checkout: 'Send order',
  remove: 'Remove', more: 'One more', less: 'One less', sent: 'Thank you! We will confirm your order by email.',
  failed: 'Sorry, that did not go through. Please email {email}.', tryAgain: 'Sorry, that did not go through. Please try again later.',
  added: 'Added to your cart: {name}', email: 'Email', errEmail: 'Please enter a valid email address, like name@example.com.',
};
const EMAIL_PATTERN = /^[^\s@]+@[^\s@]+\.[^\s@]{2,}$/;

// Posts the form to `action` (the site's Faibric form inbox, or FAIBRIC_FORM_ENDPOINT). Resolves only when the
// server accepted it; rejects with the server's message for a refusal, or with none when nothing answered.
async function send(action, form, values, started, trap) {
  if (!action) throw new Error('');
  let response;
  try {
    response = await fetch(action, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
      body: JSON.stringify({ ...values, _form: form, _gotcha: trap, _elapsed: Date.now() - started }),
    });
  } catch (err) {
    throw new Error('');
  }
  let answer = {};
  try {
    answer = await response.json();
  } catch (err) {
    answer = {};
  }
  if (response.ok) return answer;
  throw new Error(response.status < 500 && answer && typeof answer.message === 'string' ? answer.message : '');
}

// Hidden from people (and screen readers); bots fill every field they find.
const TRAP_STYLE = { position: 'absolute', left: '-10000px', width: '1px', height: '1px', overflow: 'hidden' };


export default function ShopCart({
  eyebrow, title, subtitle, currency = '$', items = [], email = '', action = '', labels = {},
}) {
  const t = { ...DEFAULT_LABELS, ...labels };
  const [lines, setLines] = useState({});
  const [buyer, setBuyer] = useState('');
  const [error, setError] = useState('');
  const [status, setStatus] = useState('idle');
  const [announce, setAnnounce] = useState('');
  const [failure, setFailure] = useState('');
  const [trap, setTrap] = useState('');
  const [started] = useState(() => Date.now());
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
    const orderForm = { email: buyer.trim(), order, total: `${currency}${total.toFixed(2)}` };
    setStatus('sending');
    try {
      await send(action, 'order', orderForm, started, trap);
      setStatus('sent');
      setLines({});
    } catch (err) {
      setFailure(err.message);
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
            <form data-form="order" onSubmit={checkout} noValidate>
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
              <div style={TRAP_STYLE} aria-hidden="true">
                <label htmlFor="shop-cart-website">Website</label>
                <input id="shop-cart-website" name="website" type="text" tabIndex={-1} autoComplete="off" value={trap}
                  onChange={(event) => setTrap(event.target.value)} />
              </div>
              <button type="submit" className="button" disabled={status === 'sending'}>{t.checkout}</button>
              <div role="status" aria-live="polite">
                {status === 'sent' && <p className="form-status">{t.sent}</p>}
                {status === 'failed' && (
                  <p className="form-status">
                    {failure && <>{failure}{' '}</>}
                    {email ? <>{t.failed.split('{email}')[0]}<a href={`mailto:${email}`}>{email}</a>{t.failed.split('{email}')[1] || ''}</> : t.tryAgain}
                  </p>
                )}
              </div>
            </form>
          )}
        </aside>
      </div>
    </section>
  );
}
