import React, { useState } from 'react';
import './NewsletterSection.css';

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

// The fixed words, in English unless the site passes its own language's (labels prop).
const DEFAULT_LABELS = { emailAddress: 'Email address', errEmail: 'Please enter a valid email address, like name@example.com.', failed: 'Sorry, you could not be signed up. Please email {email}.', tryAgain: 'Something went wrong; please try again.' };

export default function NewsletterSection({
  title, text, submitLabel = 'Subscribe', successText, action = '', email: siteEmail = '', labels = {},
}) {
  const t = { ...DEFAULT_LABELS, ...labels };
  const [email, setEmail] = useState('');
  const [error, setError] = useState('');
  const [status, setStatus] = useState('idle');
  const [failure, setFailure] = useState('');
  const [trap, setTrap] = useState('');
  const [started] = useState(() => Date.now());

  const onSubmit = async (event) => {
    event.preventDefault();
    if (!EMAIL_PATTERN.test(email.trim())) {
      setError(t.errEmail);
      return;
    }
    setError('');
    setStatus('sending');
    try {
      await send(action, 'newsletter', { email: email.trim() }, started, trap);
      setStatus('sent');
    } catch (err) {
      setFailure(err.message);
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
          <form className="newsletter-section__form" data-form="newsletter" onSubmit={onSubmit} noValidate>
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
            <div style={TRAP_STYLE} aria-hidden="true">
              <label htmlFor="newsletter-website">Website</label>
              <input id="newsletter-website" name="website" type="text" tabIndex={-1} autoComplete="off" value={trap}
                onChange={(event) => setTrap(event.target.value)} />
            </div>
            <button className="button" type="submit" disabled={status === 'sending'}>{submitLabel}</button>
            {status === 'failed' && (
              <p className="field__error" role="alert">
                {failure && <>{failure}{' '}</>}
                {siteEmail ? <>{t.failed.split('{email}')[0]}<a href={`mailto:${siteEmail}`}>{siteEmail}</a>{t.failed.split('{email}')[1] || ''}</> : t.tryAgain}
              </p>
            )}
          </form>
        )}
      </div>
    </section>
  );
}
