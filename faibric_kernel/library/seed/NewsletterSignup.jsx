import React, { useState } from 'react';
import './NewsletterSignup.css';

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

export default function NewsletterSignup({
  title = 'Get the good news first',
  text = 'One short email a month: new arrivals, events and the occasional special offer. No spam, unsubscribe any time.',
  placeholder = 'you@example.com',
  buttonLabel = 'Subscribe',
  successText = 'You’re on the list. Check your inbox to confirm your subscription.',
  action = '',
  contactEmail = '',
}) {
  const [email, setEmail] = useState('');
  const [error, setError] = useState('');
  const [status, setStatus] = useState('idle');
  const [failure, setFailure] = useState('');
  const [trap, setTrap] = useState('');
  const [started] = useState(() => Date.now());

  const onSubmit = async (event) => {
    event.preventDefault();
    if (!EMAIL_PATTERN.test(email.trim())) {
      setError('Please enter a valid email address, like name@example.com.');
      event.currentTarget.elements.namedItem('email').focus();
      return;
    }
    setError('');
    setStatus('sending');
    try {
      await send(action, 'newsletter', { email: email.trim() }, started, trap);
      setStatus('sent');
    } catch (error) {
      setFailure(error.message);
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
          <form className="newsletter-signup__form" data-form="newsletter" onSubmit={onSubmit} noValidate>
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
            <div style={TRAP_STYLE} aria-hidden="true">
              <label htmlFor="newsletter-signup-website">Website</label>
              <input id="newsletter-signup-website" name="website" type="text" tabIndex={-1} autoComplete="off" value={trap}
                onChange={(event) => setTrap(event.target.value)} />
            </div>
            {status === 'failed' && (
              <p className="newsletter-signup__error" role="alert">
                {failure || 'Sorry, you could not be signed up.'}{' '}
                {contactEmail ? <>Please email <a href={`mailto:${contactEmail}`}>{contactEmail}</a>.</> : 'Please try again later.'}
              </p>
            )}
          </form>
        )}
      </div>
    </section>
  );
}
