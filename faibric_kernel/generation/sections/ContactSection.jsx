import React, { useState } from 'react';
import './ContactSection.css';

const EMAIL_PATTERN = /^[^\s@]+@[^\s@]+\.[^\s@]{2,}$/;

async function deliver(action, email, subject, values) {
  if (action) {
    const response = await fetch(action, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
      body: JSON.stringify(values),
    });
    if (!response.ok) throw new Error(`HTTP ${response.status}`);
    return 'sent';
  }
  // No form endpoint configured: hand the message to the visitor's email app, addressed to the business.
  const body = Object.entries(values).map(([key, value]) => `${key}: ${value}`).join('\n');
  window.location.href = `mailto:${email}?subject=${encodeURIComponent(subject)}&body=${encodeURIComponent(body)}`;
  return 'handed-off';
}

// The fixed words, in English unless the site passes its own language's (labels prop).
const DEFAULT_LABELS = { name: 'Name', email: 'Email', message: 'Message', date: 'Date', time: 'Preferred time', notes: 'Anything we should know?', choose: 'Choose…', sending: 'Sending…', errName: 'Please enter your name.', errEmail: 'Please enter a valid email address, like name@example.com.', errMessage: 'Please write a message of at least 10 characters.', errDate: 'Please choose a date from today on.', handedOff: 'Your email app has opened with your message to {email}.', failed: 'Sorry, that did not go through. Please email {email}.', subjectMessage: 'Message from', subjectBooking: 'Booking request from' };

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

  const update = (event) => setValues({ ...values, [event.target.name]: event.target.value });

  const onSubmit = async (event) => {
    event.preventDefault();
    const found = validate(values, t);
    setErrors(found);
    if (Object.keys(found).length > 0) return;
    setStatus('sending');
    try {
      setStatus(await deliver(action, email, `${t.subjectMessage} ${values.name}`, values));
      setValues(empty);
    } catch (err) {
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
        <form className="contact-section__form" onSubmit={onSubmit} noValidate>
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
          <button className="button" type="submit" disabled={status === 'sending'}>
            {status === 'sending' ? t.sending : submitLabel}
          </button>
          <div role="status" aria-live="polite">
            {status === 'sent' && <p className="form-status"><strong>{successTitle}.</strong> {successText}</p>}
            {status === 'handed-off' && <p className="form-status">{t.handedOff.replace('{email}', email)}</p>}
            {status === 'failed' && <p className="form-status">{t.failed.replace('{email}', email)}</p>}
          </div>
        </form>
      </div>
    </section>
  );
}
