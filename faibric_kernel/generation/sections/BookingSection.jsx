import React, { useState } from 'react';
import './BookingSection.css';

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

function today() {
  return new Date().toISOString().slice(0, 10);
}

// The fixed words, in English unless the site passes its own language's (labels prop).
const DEFAULT_LABELS = { name: 'Name', email: 'Email', message: 'Message', date: 'Date', time: 'Preferred time', notes: 'Anything we should know?', choose: 'Choose…', sending: 'Sending…', errName: 'Please enter your name.', errEmail: 'Please enter a valid email address, like name@example.com.', errMessage: 'Please write a message of at least 10 characters.', errDate: 'Please choose a date from today on.', failed: 'Sorry, that did not go through. Please email {email}.', tryAgain: 'Sorry, that did not go through. Please try again later.' };

export default function BookingSection({
  eyebrow, title, subtitle, submitLabel = 'Request booking', partyLabel, serviceLabel, services, successText, email,
  action = '', labels = {},
}) {
  const t = { ...DEFAULT_LABELS, ...labels };
  const empty = { name: '', email: '', date: '', time: '', party: '2', service: '', notes: '' };
  const [values, setValues] = useState(empty);
  const [errors, setErrors] = useState({});
  const [status, setStatus] = useState('idle');
  const [failure, setFailure] = useState('');
  const [trap, setTrap] = useState('');
  const [started] = useState(() => Date.now());

  const update = (event) => setValues({ ...values, [event.target.name]: event.target.value });

  const onSubmit = async (event) => {
    event.preventDefault();
    const found = {};
    if (!values.name.trim()) found.name = t.errName;
    if (!EMAIL_PATTERN.test(values.email.trim())) found.email = t.errEmail;
    if (!values.date || values.date < today()) found.date = t.errDate;
    setErrors(found);
    if (Object.keys(found).length > 0) return;
    setStatus('sending');
    try {
      await send(action, 'booking', values, started, trap);
      setStatus('sent');
    } catch (err) {
      setFailure(err.message);
      setStatus('failed');
    }
  };

  const field = (name) => ({
    id: `booking-${name}`,
    name,
    value: values[name],
    onChange: update,
    'aria-invalid': errors[name] ? 'true' : undefined,
    'aria-describedby': errors[name] ? `booking-${name}-error` : undefined,
  });

  return (
    <section className="section section--alt" aria-labelledby="booking-section-title">
      <div className="section__inner booking-section">
        <header className="section__header">
          {eyebrow && <p className="section__eyebrow">{eyebrow}</p>}
          <h2 id="booking-section-title" className="section__title">{title}</h2>
          {subtitle && <p className="section__subtitle">{subtitle}</p>}
        </header>
        {status === 'sent' ? (
          <p className="form-status" role="status">{successText}</p>
        ) : (
          <form className="booking-section__form" data-form="booking" onSubmit={onSubmit} noValidate>
            <div className="field">
              <label htmlFor="booking-name">{t.name}</label>
              <input type="text" autoComplete="name" {...field('name')} />
              {errors.name && <p className="field__error" id="booking-name-error">{errors.name}</p>}
            </div>
            <div className="field">
              <label htmlFor="booking-email">{t.email}</label>
              <input type="email" autoComplete="email" {...field('email')} />
              {errors.email && <p className="field__error" id="booking-email-error">{errors.email}</p>}
            </div>
            <div className="field">
              <label htmlFor="booking-date">{t.date}</label>
              <input type="date" min={today()} {...field('date')} />
              {errors.date && <p className="field__error" id="booking-date-error">{errors.date}</p>}
            </div>
            <div className="field">
              <label htmlFor="booking-time">{t.time}</label>
              <input type="time" {...field('time')} />
            </div>
            {partyLabel && (
              <div className="field">
                <label htmlFor="booking-party">{partyLabel}</label>
                <input type="number" min="1" max="20" {...field('party')} />
              </div>
            )}
            {serviceLabel && services && (
              <div className="field">
                <label htmlFor="booking-service">{serviceLabel}</label>
                <select {...field('service')}>
                  <option value="">{t.choose}</option>
                  {services.map((service) => <option key={service} value={service}>{service}</option>)}
                </select>
              </div>
            )}
            <div className="field booking-section__wide">
              <label htmlFor="booking-notes">{t.notes}</label>
              <textarea rows={3} {...field('notes')} />
            </div>
            <div style={TRAP_STYLE} aria-hidden="true">
              <label htmlFor="booking-website">Website</label>
              <input id="booking-website" name="website" type="text" tabIndex={-1} autoComplete="off" value={trap}
                onChange={(event) => setTrap(event.target.value)} />
            </div>
            <button className="button booking-section__wide" type="submit" disabled={status === 'sending'}>
              {status === 'sending' ? t.sending : submitLabel}
            </button>
            {status === 'failed' && (
              <p className="field__error booking-section__wide" role="alert">
                {failure && <>{failure}{' '}</>}
                {email ? <>{t.failed.split('{email}')[0]}<a href={`mailto:${email}`}>{email}</a>{t.failed.split('{email}')[1] || ''}</> : t.tryAgain}
              </p>
            )}
          </form>
        )}
      </div>
    </section>
  );
}
