import React, { useState } from 'react';
import './ContactSection.css';

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

// The fixed words, in English unless the site passes its own language's (labels prop).
const DEFAULT_LABELS = { name: 'Name', email: 'Email', message: 'Message', date: 'Date', time: 'Preferred time', notes: 'Anything we should know?', choose: 'Choose…', sending: 'Sending…', errName: 'Please enter your name.', errEmail: 'Please enter a valid email address, like name@example.com.', errMessage: 'Please write a message of at least 10 characters.', errDate: 'Please choose a date from today on.', failed: 'Sorry, that did not go through. Please email {email}.', tryAgain: 'Sorry, that did not go through. Please try again later.' };

// Hidden from people (and screen readers); bots fill every field they find.
const TRAP_STYLE = { position: 'absolute', left: '-10000px', width: '1px', height: '1px', overflow: 'hidden' };

function validate(values, t) {
  const errors = {};
  if (!values.name.trim()) errors.name = t.errName;
  if (!EMAIL_PATTERN.test(values.email.trim())) errors.email = t.errEmail;
  if (values.message.trim().length < 10) errors.message = t.errMessage;
  return errors;
}

export default function ContactSection({
  eyebrow, title, subtitle, submitLabel = 'Send message', successTitle = 'Message sent', successText, email, phone,
  address, action = '', labels = {},
}) {
  const t = { ...DEFAULT_LABELS, ...labels };
  const empty = { name: '', email: '', message: '' };
  const [values, setValues] = useState(empty);
  const [errors, setErrors] = useState({});
  const [status, setStatus] = useState('idle');
  const [failure, setFailure] = useState('');
  const [trap, setTrap] = useState('');
  const [started] = useState(() => Date.now());

  const update = (event) => setValues({ ...values, [event.target.name]: event.target.value });

  const onSubmit = async (event) => {
    event.preventDefault();
    const found = validate(values, t);
    setErrors(found);
    if (Object.keys(found).length > 0) return;
    setStatus('sending');
    try {
      await send(action, 'contact', values, started, trap);
      setStatus('sent');
      setValues(empty);
    } catch (err) {
      setFailure(err.message);
      setStatus('failed');
    }
  };

  const field = (name) => ({
    id: `contact-${name}`,
    name,
    value: values[name],
    onChange: update,
    'aria-invalid': errors[name] ? 'true' : undefined,
    'aria-describedby': errors[name] ? `contact-${name}-error` : undefined,
  });

  return (
    <section className="section section--alt" aria-labelledby="contact-section-title">
      <div className="section__inner contact-section">
        <div>
          {eyebrow && <p className="section__eyebrow">{eyebrow}</p>}
          <h2 id="contact-section-title" className="section__title">{title}</h2>
          {subtitle && <p className="section__subtitle">{subtitle}</p>}
          <ul className="contact-section__details">
            {email && <li><a href={`mailto:${email}`}>{email}</a></li>}
            {phone && <li><a href={`tel:${phone.replace(/[^+\d]/g, '')}`}>{phone}</a></li>}
            {address && <li>{address}</li>}
          </ul>
        </div>
        <form className="contact-section__form" data-form="contact" onSubmit={onSubmit} noValidate>
          <div className="field">
            <label htmlFor="contact-name">{t.name}</label>
            <input type="text" autoComplete="name" {...field('name')} />
            {errors.name && <p className="field__error" id="contact-name-error">{errors.name}</p>}
          </div>
          <div className="field">
            <label htmlFor="contact-email">{t.email}</label>
            <input type="email" autoComplete="email" {...field('email')} />
            {errors.email && <p className="field__error" id="contact-email-error">{errors.email}</p>}
          </div>
          <div className="field">
            <label htmlFor="contact-message">{t.message}</label>
            <textarea rows={5} {...field('message')} />
            {errors.message && <p className="field__error" id="contact-message-error">{errors.message}</p>}
          </div>
          <div style={TRAP_STYLE} aria-hidden="true">
            <label htmlFor="contact-website">Website</label>
            <input id="contact-website" name="website" type="text" tabIndex={-1} autoComplete="off" value={trap}
              onChange={(event) => setTrap(event.target.value)} />
          </div>
          <button className="button" type="submit" disabled={status === 'sending'}>
            {status === 'sending' ? t.sending : submitLabel}
          </button>
          <div role="status" aria-live="polite">
            {status === 'sent' && <p className="form-status"><strong>{successTitle}.</strong> {successText}</p>}
            {status === 'failed' && (
              <p className="form-status">
                {failure && <>{failure}{' '}</>}
                {email ? <>{t.failed.split('{email}')[0]}<a href={`mailto:${email}`}>{email}</a>{t.failed.split('{email}')[1] || ''}</> : t.tryAgain}
              </p>
            )}
          </div>
        </form>
      </div>
    </section>
  );
}
