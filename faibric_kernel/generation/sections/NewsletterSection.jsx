import React, { useState } from 'react';
import './NewsletterSection.css';

const EMAIL_PATTERN = /^[^\s@]+@[^\s@]+\.[^\s@]{2,}$/;

// The fixed words, in English unless the site passes its own language's (labels prop).
const DEFAULT_LABELS = { emailAddress: 'Email address', errEmail: 'Please enter a valid email address, like name@example.com.', tryAgain: 'Something went wrong; please try again.' };

export default function NewsletterSection({
  title, text, submitLabel = 'Subscribe', successText, action = '', labels = {},
}) {
  const t = { ...DEFAULT_LABELS, ...labels };
  const [email, setEmail] = useState('');
  const [error, setError] = useState('');
  const [status, setStatus] = useState('idle');

  const onSubmit = async (event) => {
    event.preventDefault();
    if (!EMAIL_PATTERN.test(email.trim())) {
      setError(t.errEmail);
      return;
    }
    setError('');
    if (!action) {
      setStatus('sent');
      return;
    }
    try {
      const response = await fetch(action, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ email: email.trim() }),
      });
      setStatus(response.ok ? 'sent' : 'failed');
    } catch (err) {
      setStatus('failed');
    }
  };

  return (
    <section className="section section--alt" aria-labelledby="newsletter-section-title">
      <div className="section__inner newsletter-section">
        <h2 id="newsletter-section-title" className="section__title">{title}</h2>
        {text && <p className="section__subtitle">{text}</p>}
        {status === 'sent' ? (
          <p className="form-status" role="status">{successText}</p>
        ) : (
          <form className="newsletter-section__form" onSubmit={onSubmit} noValidate>
            <div className="field">
              <label htmlFor="newsletter-email">{t.emailAddress}</label>
              <input
                id="newsletter-email"
                type="email"
                autoComplete="email"
                value={email}
                onChange={(event) => setEmail(event.target.value)}
                aria-invalid={error ? 'true' : undefined}
                aria-describedby={error ? 'newsletter-email-error' : undefined}
              />
              {error && <p className="field__error" id="newsletter-email-error">{error}</p>}
            </div>
            <button className="button" type="submit">{submitLabel}</button>
            {status === 'failed' && <p className="field__error" role="alert">{t.tryAgain}</p>}
          </form>
        )}
      </div>
    </section>
  );
}
