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

function validate(values) {
  const errors = {};
  if (!values.name.trim()) errors.name = 'Please enter your name.';
  if (!EMAIL_PATTERN.test(values.email.trim())) errors.email = 'Please enter a valid email address, like name@example.com.';
  if (values.message.trim().length < 10) errors.message = 'Please write a message of at least 10 characters.';
  return errors;
}

export default function ContactSection({
  eyebrow, title, subtitle, submitLabel = 'Send message', successTitle = 'Message sent', successText, email, phone,
  address, action = '',
}) {
  const empty = { name: '', email: '', message: '' };
  const [values, setValues] = useState(empty);
  const [errors, setErrors] = useState({});
  const [status, setStatus] = useState('idle');

  const update = (event) => setValues({ ...values, [event.target.name]: event.target.value });

  const onSubmit = async (event) => {
    event.preventDefault();
    const found = validate(values);
    setErrors(found);
    if (Object.keys(found).length > 0) return;
    setStatus('sending');
    try {
      setStatus(await deliver(action, email, `Message from ${values.name}`, values));
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
            <label htmlFor="contact-name">Name</label>
            <input type="text" autoComplete="name" {...field('name')} />
            {errors.name && <p className="field__error" id="contact-name-error">{errors.name}</p>}
          </div>
          <div className="field">
            <label htmlFor="contact-email">Email</label>
            <input type="email" autoComplete="email" {...field('email')} />
            {errors.email && <p className="field__error" id="contact-email-error">{errors.email}</p>}
          </div>
          <div className="field">
            <label htmlFor="contact-message">Message</label>
            <textarea rows={5} {...field('message')} />
            {errors.message && <p className="field__error" id="contact-message-error">{errors.message}</p>}
          </div>
          <button className="button" type="submit" disabled={status === 'sending'}>
            {status === 'sending' ? 'Sending…' : submitLabel}
          </button>
          <div role="status" aria-live="polite">
            {status === 'sent' && <p className="form-status"><strong>{successTitle}.</strong> {successText}</p>}
            {status === 'handed-off' && <p className="form-status">Your email app has opened with your message to {email}.</p>}
            {status === 'failed' && <p className="form-status">Sorry, the message could not be sent. Please email {email}.</p>}
          </div>
        </form>
      </div>
    </section>
  );
}
