import React, { useState } from 'react';
import './ContactSplit.css';

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
const DEFAULT_TOPICS = ['General question', 'Quote or estimate', 'Partnership', 'Something else'];

export default function ContactSplit({
  title = 'Get in touch',
  subtitle = 'Tell us a little about what you need and we’ll get back to you shortly.',
  address = '24 Market Street, Springfield',
  phone = '+1 (555) 013-2448',
  email = 'hello@example.com',
  hours = 'Mon–Fri, 9 am – 6 pm',
  topics = DEFAULT_TOPICS,
  action = '',
  submitLabel = 'Send enquiry',
}) {
  const [values, setValues] = useState({ name: '', email: '', topic: topics[0] || '', message: '' });
  const [errors, setErrors] = useState({});
  const [status, setStatus] = useState('idle');
  const [failure, setFailure] = useState('');
  const [trap, setTrap] = useState('');
  const [started] = useState(() => Date.now());

  const update = (event) => {
    setValues({ ...values, [event.target.name]: event.target.value });
    if (errors[event.target.name]) setErrors({ ...errors, [event.target.name]: undefined });
  };

  const onSubmit = async (event) => {
    event.preventDefault();
    const found = {};
    if (!values.name.trim()) found.name = 'Please enter your name.';
    if (!EMAIL_PATTERN.test(values.email.trim())) found.email = 'Please enter a valid email address.';
    if (values.message.trim().length < 10) found.message = 'Please tell us a little more (10 characters or more).';
    setErrors(found);
    const first = ['name', 'email', 'message'].find((key) => found[key]);
    if (first) {
      const field = event.currentTarget.elements.namedItem(first);
      if (field) field.focus();
      return;
    }
    setStatus('sending');
    try {
      await send(action, 'contact', values, started, trap);
      setStatus('sent');
    } catch (error) {
      setFailure(error.message);
      setStatus('failed');
    }
  };

  const described = (name) => (errors[name] ? `contact-split-${name}-error` : undefined);

  return (
    <section className="contact-split" id="contact" aria-labelledby="contact-split-title">
      <div className="contact-split__inner">
        <div className="contact-split__info">
          <h2 id="contact-split-title" className="contact-split__title">{title}</h2>
          <p className="contact-split__subtitle">{subtitle}</p>
          <ul className="contact-split__details">
            <li>
              <svg viewBox="0 0 24 24" aria-hidden="true" focusable="false"><path d="M12 2a7 7 0 0 0-7 7c0 5.2 7 13 7 13s7-7.8 7-13a7 7 0 0 0-7-7zm0 9.5A2.5 2.5 0 1 1 12 6.5a2.5 2.5 0 0 1 0 5z" /></svg>
              <span><strong>Visit</strong>{address}</span>
            </li>
            <li>
              <svg viewBox="0 0 24 24" aria-hidden="true" focusable="false"><path d="M6.6 10.8a15 15 0 0 0 6.6 6.6l2.2-2.2c.3-.3.7-.4 1-.2 1.1.4 2.3.6 3.6.6.6 0 1 .4 1 1V20c0 .6-.4 1-1 1A17 17 0 0 1 3 4c0-.6.4-1 1-1h3.5c.6 0 1 .4 1 1 0 1.3.2 2.5.6 3.6.1.3 0 .7-.2 1z" /></svg>
              <span><strong>Call</strong><a href={`tel:${phone.replace(/[^+\d]/g, '')}`}>{phone}</a></span>
            </li>
            <li>
              <svg viewBox="0 0 24 24" aria-hidden="true" focusable="false"><path d="M20 4H4a2 2 0 0 0-2 2v12a2 2 0 0 0 2 2h16a2 2 0 0 0 2-2V6a2 2 0 0 0-2-2zm0 4-8 5-8-5V6l8 5 8-5z" /></svg>
              <span><strong>Email</strong><a href={`mailto:${email}`}>{email}</a></span>
            </li>
            <li>
              <svg viewBox="0 0 24 24" aria-hidden="true" focusable="false"><path d="M12 2a10 10 0 1 0 0 20 10 10 0 0 0 0-20zm1 10.4 3.6 2.1-.8 1.4L11 13V6.5h2z" /></svg>
              <span><strong>Hours</strong>{hours}</span>
            </li>
          </ul>
        </div>
        <div className="contact-split__panel">
          {status === 'sent' ? (
            <div className="contact-split__success" role="status">
              <h3>Message received</h3>
              <p>Thanks, {values.name.split(' ')[0] || 'there'}. We’ll reply to {values.email} soon.</p>
            </div>
          ) : (
            <form onSubmit={onSubmit} noValidate className="contact-split__form" data-form="contact">
              <label htmlFor="contact-split-name">Your name</label>
              <input id="contact-split-name" name="name" autoComplete="name" value={values.name} onChange={update}
                aria-invalid={errors.name ? 'true' : undefined} aria-describedby={described('name')} required />
              {errors.name && <p id="contact-split-name-error" className="contact-split__error">{errors.name}</p>}

              <label htmlFor="contact-split-email">Email address</label>
              <input id="contact-split-email" name="email" type="email" autoComplete="email" value={values.email} onChange={update}
                aria-invalid={errors.email ? 'true' : undefined} aria-describedby={described('email')} required />
              {errors.email && <p id="contact-split-email-error" className="contact-split__error">{errors.email}</p>}

              <label htmlFor="contact-split-topic">Topic</label>
              <select id="contact-split-topic" name="topic" value={values.topic} onChange={update}>
                {topics.map((topic) => <option key={topic}>{topic}</option>)}
              </select>

              <label htmlFor="contact-split-message">How can we help?</label>
              <textarea id="contact-split-message" name="message" rows={5} value={values.message} onChange={update}
                aria-invalid={errors.message ? 'true' : undefined} aria-describedby={described('message')} required />
              {errors.message && <p id="contact-split-message-error" className="contact-split__error">{errors.message}</p>}

              <div style={TRAP_STYLE} aria-hidden="true">
                <label htmlFor="contact-split-website">Website</label>
                <input id="contact-split-website" name="website" type="text" tabIndex={-1} autoComplete="off" value={trap}
                  onChange={(event) => setTrap(event.target.value)} />
              </div>
              {status === 'failed' && (
                <p className="contact-split__error" role="alert">
                  {failure || 'Sorry, your enquiry could not be sent.'}{' '}
                  {email ? <>Please email <a href={`mailto:${email}`}>{email}</a>.</> : 'Please try again later.'}
                </p>
              )}
              <button type="submit" className="contact-split__submit" disabled={status === 'sending'}>
                {status === 'sending' ? 'Sending…' : submitLabel}
              </button>
            </form>
          )}
        </div>
      </div>
    </section>
  );
}
