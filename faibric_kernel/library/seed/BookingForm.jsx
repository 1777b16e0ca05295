import React, { useState } from 'react';
import './BookingForm.css';

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
const DEFAULT_TIMES = ['12:00', '12:30', '13:00', '13:30', '18:00', '18:30', '19:00', '19:30', '20:00', '20:30'];

function today() {
  const now = new Date();
  const local = new Date(now.getTime() - now.getTimezoneOffset() * 60000);
  return local.toISOString().slice(0, 10);
}

export default function BookingForm({
  eyebrow = 'Reservations',
  title = 'Book a table',
  subtitle = 'Reserve online in under a minute. For groups larger than 8, please call us.',
  times = DEFAULT_TIMES,
  maxGuests = 8,
  action = '',
  submitLabel = 'Request booking',
  phone = '+1 (555) 013-2448',
  email = '',
}) {
  const [values, setValues] = useState({ date: '', time: '', guests: '2', name: '', email: '', phone: '', notes: '' });
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
    if (!values.date) found.date = 'Please choose a date.';
    else if (values.date < today()) found.date = 'Please choose today or a later date.';
    if (!values.time) found.time = 'Please choose a time.';
    if (!values.name.trim()) found.name = 'Please enter the name for the booking.';
    if (!EMAIL_PATTERN.test(values.email.trim())) found.email = 'Please enter a valid email so we can confirm.';
    setErrors(found);
    const first = ['date', 'time', 'name', 'email'].find((key) => found[key]);
    if (first) {
      const field = event.currentTarget.elements.namedItem(first);
      if (field) field.focus();
      return;
    }
    setStatus('sending');
    try {
      await send(action, 'booking', values, started, trap);
      setStatus('sent');
    } catch (error) {
      setFailure(error.message);
      setStatus('failed');
    }
  };

  const invalid = (name) => ({
    'aria-invalid': errors[name] ? 'true' : undefined,
    'aria-describedby': errors[name] ? `booking-form-${name}-error` : undefined,
  });
  const error = (name) => errors[name] && <p className="booking-form__error" id={`booking-form-${name}-error`}>{errors[name]}</p>;

  return (
    <section className="booking-form" id="booking" aria-labelledby="booking-form-title">
      <div className="booking-form__inner">
        <header className="booking-form__header">
          {eyebrow && <p className="booking-form__eyebrow">{eyebrow}</p>}
          <h2 id="booking-form-title" className="booking-form__title">{title}</h2>
          {subtitle && <p className="booking-form__subtitle">{subtitle}</p>}
        </header>
        <div className="booking-form__card">
          {status === 'sent' ? (
            <div className="booking-form__success" role="status">
              <h3>Your table is requested</h3>
              <p>
                {values.guests} {values.guests === '1' ? 'guest' : 'guests'} on {values.date} at {values.time}.
                We’ll send a confirmation to {values.email}.
              </p>
              <button type="button" className="booking-form__secondary" onClick={() => setStatus('idle')}>Make another booking</button>
            </div>
          ) : (
            <form data-form="booking" onSubmit={onSubmit} noValidate>
              <fieldset className="booking-form__group">
                <legend>When</legend>
                <div className="booking-form__grid">
                  <div className="booking-form__field">
                    <label htmlFor="booking-form-date">Date</label>
                    <input id="booking-form-date" name="date" type="date" min={today()} value={values.date} onChange={update} required {...invalid('date')} />
                    {error('date')}
                  </div>
                  <div className="booking-form__field">
                    <label htmlFor="booking-form-time">Time</label>
                    <select id="booking-form-time" name="time" value={values.time} onChange={update} required {...invalid('time')}>
                      <option value="">Choose a time</option>
                      {times.map((time) => <option key={time} value={time}>{time}</option>)}
                    </select>
                    {error('time')}
                  </div>
                  <div className="booking-form__field">
                    <label htmlFor="booking-form-guests">Guests</label>
                    <select id="booking-form-guests" name="guests" value={values.guests} onChange={update}>
                      {Array.from({ length: maxGuests }, (_, i) => String(i + 1)).map((n) => (
                        <option key={n} value={n}>{n} {n === '1' ? 'guest' : 'guests'}</option>
                      ))}
                    </select>
                  </div>
                </div>
              </fieldset>
              <fieldset className="booking-form__group">
                <legend>Your details</legend>
                <div className="booking-form__grid booking-form__grid--two">
                  <div className="booking-form__field">
                    <label htmlFor="booking-form-name">Name</label>
                    <input id="booking-form-name" name="name" autoComplete="name" value={values.name} onChange={update} required {...invalid('name')} />
                    {error('name')}
                  </div>
                  <div className="booking-form__field">
                    <label htmlFor="booking-form-email">Email</label>
                    <input id="booking-form-email" name="email" type="email" autoComplete="email" value={values.email} onChange={update} required {...invalid('email')} />
                    {error('email')}
                  </div>
                  <div className="booking-form__field">
                    <label htmlFor="booking-form-phone">Phone <span className="booking-form__optional">(optional)</span></label>
                    <input id="booking-form-phone" name="phone" type="tel" autoComplete="tel" value={values.phone} onChange={update} />
                  </div>
                  <div className="booking-form__field">
                    <label htmlFor="booking-form-notes">Occasion or requests <span className="booking-form__optional">(optional)</span></label>
                    <input id="booking-form-notes" name="notes" value={values.notes} onChange={update} />
                  </div>
                </div>
              </fieldset>
              <div style={TRAP_STYLE} aria-hidden="true">
                <label htmlFor="booking-form-website">Website</label>
                <input id="booking-form-website" name="website" type="text" tabIndex={-1} autoComplete="off" value={trap}
                  onChange={(event) => setTrap(event.target.value)} />
              </div>
              {status === 'failed' && (
                <p className="booking-form__error" role="alert">
                  {failure || 'We could not send your request.'}{' '}
                  {email ? <>Please email <a href={`mailto:${email}`}>{email}</a>{phone ? ` or call ${phone}` : ''}.</> : (phone ? `Please call ${phone}.` : 'Please try again later.')}
                </p>
              )}
              <div className="booking-form__footer">
                <button type="submit" className="booking-form__submit" disabled={status === 'sending'}>
                  {status === 'sending' ? 'Sending…' : submitLabel}
                </button>
                {phone && <p className="booking-form__call">Prefer to call? <a href={`tel:${phone.replace(/[^+\d]/g, '')}`}>{phone}</a></p>}
              </div>
            </form>
          )}
        </div>
      </div>
    </section>
  );
}
