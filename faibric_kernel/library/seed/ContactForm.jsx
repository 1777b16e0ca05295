import React, { useState } from 'react';
import './ContactForm.css';

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

function validate(values) {
  const errors = {};
  if (!values.name.trim()) errors.name = 'Please enter your name.';
  if (!values.email.trim()) errors.email = 'Please enter your email address.';
  else if (!EMAIL_PATTERN.test(values.email.trim())) errors.email = 'Please enter a valid email address, like name@example.com.';
  if (values.message.trim().length < 10) errors.message = 'Please write a message of at least 10 characters.';
  return errors;
}

export default function ContactForm({
  eyebrow = 'Contact',
  title = 'Send us a message',
  subtitle = 'Questions, ideas or feedback: we read every message and reply within one working day.',
  action = '',
  submitLabel = 'Send message',
  successTitle = 'Thank you, your message has been sent.',
  successText = 'We’ll get back to you within one working day.',
  showPhone = true,
  email = '',
}) {
  const empty = { name: '', email: '', phone: '', message: '' };
  const [values, setValues] = useState(empty);
  const [errors, setErrors] = useState({});
  const [status, setStatus] = useState('idle');
  const [failure, setFailure] = useState('');
  const [trap, setTrap] = useState('');
  const [started] = useState(() => Date.now());

  const update = (event) => {
    const { name, value } = event.target;
    setValues({ ...values, [name]: value });
    if (errors[name]) setErrors({ ...errors, [name]: undefined });
  };

  const onSubmit = async (event) => {
    event.preventDefault();
    const found = validate(values);
    setErrors(found);
    const firstInvalid = ['name', 'email', 'message'].find((key) => found[key]);
    if (firstInvalid) {
      const field = event.currentTarget.elements.namedItem(firstInvalid);
      if (field) field.focus();
      return;
    }
    setStatus('sending');
    try {
      await send(action, 'contact', { name: values.name, email: values.email, phone: values.phone, message: values.message }, started, trap);
      setStatus('sent');
    } catch (error) {
      setFailure(error.message);
      setStatus('failed');
    }
  };

  const fieldProps = (name) => ({
    id: `contact-form-${name}`,
    name,
    value: values[name],
    onChange: update,
    'aria-invalid': errors[name] ? 'true' : undefined,
    'aria-describedby': errors[name] ? `contact-form-${name}-error` : undefined,
  });

  return (
    <section className="contact-form" id="contact" aria-labelledby="contact-form-title">
      <div className="contact-form__inner">
        <header className="contact-form__header">
          {eyebrow && <p className="contact-form__eyebrow">{eyebrow}</p>}
          <h2 id="contact-form-title" className="contact-form__title">{title}</h2>
          {subtitle && <p className="contact-form__subtitle">{subtitle}</p>}
        </header>
        <div className="contact-form__card">
          {status === 'sent' ? (
            <div className="contact-form__success" role="status">
              <svg viewBox="0 0 48 48" aria-hidden="true" focusable="false">
                <circle cx="24" cy="24" r="24" />
                <path d="m14 24.5 7 7 13-14" />
              </svg>
              <h3>{successTitle}</h3>
              <p>{successText}</p>
              <button type="button" className="contact-form__secondary" onClick={() => { setValues(empty); setStatus('idle'); }}>
                Send another message
              </button>
            </div>
          ) : (
            <form className="contact-form__form" data-form="contact" onSubmit={onSubmit} noValidate>
              <div className="contact-form__row">
                <div className="contact-form__field">
                  <label htmlFor="contact-form-name">Name <span aria-hidden="true">*</span></label>
                  <input type="text" autoComplete="name" required {...fieldProps('name')} />
                  {errors.name && <p className="contact-form__error" id="contact-form-name-error">{errors.name}</p>}
                </div>
                <div className="contact-form__field">
                  <label htmlFor="contact-form-email">Email <span aria-hidden="true">*</span></label>
                  <input type="email" autoComplete="email" required {...fieldProps('email')} />
                  {errors.email && <p className="contact-form__error" id="contact-form-email-error">{errors.email}</p>}
                </div>
              </div>
              {showPhone && (
                <div className="contact-form__field">
                  <label htmlFor="contact-form-phone">Phone <span className="contact-form__optional">(optional)</span></label>
                  <input type="tel" autoComplete="tel" {...fieldProps('phone')} />
                </div>
              )}
              <div className="contact-form__field">
                <label htmlFor="contact-form-message">Message <span aria-hidden="true">*</span></label>
                <textarea rows={5} required {...fieldProps('message')} />
                {errors.message && <p className="contact-form__error" id="contact-form-message-error">{errors.message}</p>}
              </div>
              <div className="contact-form__trap" aria-hidden="true">
                <label htmlFor="contact-form-website">Website</label>
                <input id="contact-form-website" name="website" type="text" tabIndex={-1} autoComplete="off" value={trap}
                  onChange={(event) => setTrap(event.target.value)} />
              </div>
              {status === 'failed' && (
                <p className="contact-form__alert" role="alert">
                  {failure || 'Sorry, your message could not be sent.'}{' '}
                  {email ? <>Please email <a href={`mailto:${email}`}>{email}</a>.</> : 'Please try again later.'}
                </p>
              )}
              <button type="submit" className="contact-form__submit" disabled={status === 'sending'}>
                {status === 'sending' ? 'Sending…' : submitLabel}
              </button>
              <p className="contact-form__hint"><span aria-hidden="true">*</span> Required field</p>
            </form>
          )}
        </div>
      </div>
    </section>
  );
}
