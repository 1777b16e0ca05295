import React, { useState } from 'react';
import './NewsletterSignup.css';

const EMAIL_PATTERN = /^[^\s@]+@[^\s@]+\.[^\s@]{2,}$/;

export default function NewsletterSignup({
  title = 'Get the good news first',
  text = 'One short email a month: new arrivals, events and the occasional special offer. No spam, unsubscribe any time.',
  placeholder = 'you@example.com',
  buttonLabel = 'Subscribe',
  successText = 'You’re on the list. Check your inbox to confirm your subscription.',
  action = '',
}) {
  const [email, setEmail] = useState('');
  const [error, setError] = useState('');
  const [status, setStatus] = useState('idle');

  const onSubmit = async (event) => {
    event.preventDefault();
    if (!EMAIL_PATTERN.test(email.trim())) {
      setError('Please enter a valid email address, like name@example.com.');
      event.currentTarget.elements.namedItem('email').focus();
      return;
    }
    setError('');
    if (!action) {
      setStatus('sent');
      return;
    }
    setStatus('sending');
    try {
      const response = await fetch(action, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
        body: JSON.stringify({ email: email.trim() }),
      });
      if (!response.ok) throw new Error(`HTTP ${response.status}`);
      setStatus('sent');
    } catch (err) {
      setStatus('failed');
    }
  };

  return (
    <section className="newsletter-signup" aria-labelledby="newsletter-signup-title">
      <div className="newsletter-signup__inner">
        <div className="newsletter-signup__icon" aria-hidden="true">
          <svg viewBox="0 0 24 24" aria-hidden="true" focusable="false"><path d="M20 4H4a2 2 0 0 0-2 2v12a2 2 0 0 0 2 2h16a2 2 0 0 0 2-2V6a2 2 0 0 0-2-2zm0 4-8 5-8-5V6l8 5 8-5z" /></svg>
        </div>
        <h2 id="newsletter-signup-title" className="newsletter-signup__title">{title}</h2>
        <p className="newsletter-signup__text">{text}</p>
        {status === 'sent' ? (
          <p className="newsletter-signup__success" role="status">{successText}</p>
        ) : (
          <form className="newsletter-signup__form" onSubmit={onSubmit} noValidate>
            <label htmlFor="newsletter-signup-email" className="newsletter-signup__label">Email address</label>
            <div className="newsletter-signup__row">
              <input
                id="newsletter-signup-email"
                name="email"
                type="email"
                autoComplete="email"
                placeholder={placeholder}
                value={email}
                onChange={(event) => { setEmail(event.target.value); if (error) setError(''); }}
                aria-invalid={error ? 'true' : undefined}
                aria-describedby={error ? 'newsletter-signup-error' : undefined}
                required
              />
              <button type="submit" disabled={status === 'sending'}>{status === 'sending' ? 'Subscribing…' : buttonLabel}</button>
            </div>
            {error && <p className="newsletter-signup__error" id="newsletter-signup-error">{error}</p>}
            {status === 'failed' && <p className="newsletter-signup__error" role="alert">Something went wrong. Please try again.</p>}
          </form>
        )}
      </div>
    </section>
  );
}
