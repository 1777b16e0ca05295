import React, { useState } from 'react';
import './BookingSlots.css';

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
const DEFAULT_SERVICES = [
  { name: 'Consultation', duration: '30 min', price: 'Free' },
  { name: 'Standard session', duration: '60 min', price: '$65' },
  { name: 'Extended session', duration: '90 min', price: '$90' },
];
const DEFAULT_SLOTS = ['09:00', '10:00', '11:00', '13:30', '14:30', '15:30', '16:30'];

function nextDays(count) {
  const days = [];
  const start = new Date();
  for (let i = 1; days.length < count; i += 1) {
    const day = new Date(start.getFullYear(), start.getMonth(), start.getDate() + i);
    if (day.getDay() !== 0) days.push(day);
  }
  return days;
}

export default function BookingSlots({
  title = 'Book an appointment',
  subtitle = 'Pick a service and a time that suits you. You’ll get a confirmation by email.',
  services = DEFAULT_SERVICES,
  slots = DEFAULT_SLOTS,
  daysAhead = 6,
  action = '',
  contactEmail = '',
}) {
  const days = nextDays(daysAhead);
  const [service, setService] = useState(0);
  const [dayIndex, setDayIndex] = useState(0);
  const [slot, setSlot] = useState('');
  const [name, setName] = useState('');
  const [email, setEmail] = useState('');
  const [errors, setErrors] = useState({});
  const [status, setStatus] = useState('idle');
  const [failure, setFailure] = useState('');
  const [trap, setTrap] = useState('');
  const [started] = useState(() => Date.now());
  const day = days[dayIndex];
  const dayLabel = (d) => d.toLocaleDateString(undefined, { weekday: 'short', day: 'numeric', month: 'short' });

  const onSubmit = async (event) => {
    event.preventDefault();
    const found = {};
    if (!slot) found.slot = 'Please choose a time.';
    if (!name.trim()) found.name = 'Please enter your name.';
    if (!EMAIL_PATTERN.test(email.trim())) found.email = 'Please enter a valid email address.';
    setErrors(found);
    if (Object.keys(found).length) return;
    const booking = { service: services[service].name, date: day.toDateString(), time: slot, name, email };
    setStatus('sending');
    try {
      await send(action, 'booking', booking, started, trap);
      setStatus('sent');
    } catch (error) {
      setFailure(error.message);
      setStatus('failed');
    }
  };

  if (status === 'sent') {
    return (
      <section className="booking-slots" id="booking" aria-labelledby="booking-slots-title">
        <div className="booking-slots__inner">
          <div className="booking-slots__card booking-slots__done" role="status">
            <h2 id="booking-slots-title" className="booking-slots__title">You are booked in</h2>
            <p>{services[service].name} on {dayLabel(day)} at {slot}. A confirmation is on its way to {email}.</p>
            <button type="button" className="booking-slots__ghost" onClick={() => { setStatus('idle'); setSlot(''); }}>Book another time</button>
          </div>
        </div>
      </section>
    );
  }

  return (
    <section className="booking-slots" id="booking" aria-labelledby="booking-slots-title">
      <div className="booking-slots__inner">
        <header className="booking-slots__header">
          <h2 id="booking-slots-title" className="booking-slots__title">{title}</h2>
          {subtitle && <p className="booking-slots__subtitle">{subtitle}</p>}
        </header>
        <form className="booking-slots__card" data-form="booking" onSubmit={onSubmit} noValidate>
          <fieldset className="booking-slots__step">
            <legend><span className="booking-slots__num" aria-hidden="true">1</span> Service</legend>
            <div className="booking-slots__services">
              {services.map((item, i) => (
                <label key={item.name} className="booking-slots__service">
                  <input type="radio" name="service" checked={service === i} onChange={() => setService(i)} />
                  <span className="booking-slots__service-body">
                    <span className="booking-slots__service-name">{item.name}</span>
                    <span className="booking-slots__service-meta">{item.duration} · {item.price}</span>
                  </span>
                </label>
              ))}
            </div>
          </fieldset>
          <fieldset className="booking-slots__step">
            <legend><span className="booking-slots__num" aria-hidden="true">2</span> Day and time</legend>
            <div className="booking-slots__days" role="group" aria-label="Day">
              {days.map((d, i) => (
                <button key={d.toDateString()} type="button" className="booking-slots__chip" aria-pressed={i === dayIndex}
                  onClick={() => { setDayIndex(i); setSlot(''); }}>
                  {dayLabel(d)}
                </button>
              ))}
            </div>
            <div className="booking-slots__times" role="group" aria-label={`Times on ${dayLabel(day)}`}
              aria-describedby={errors.slot ? 'booking-slots-slot-error' : undefined}>
              {slots.map((time) => (
                <button key={time} type="button" className="booking-slots__chip booking-slots__chip--time" aria-pressed={slot === time}
                  onClick={() => { setSlot(time); setErrors({ ...errors, slot: undefined }); }}>
                  {time}
                </button>
              ))}
            </div>
            {errors.slot && <p className="booking-slots__error" id="booking-slots-slot-error">{errors.slot}</p>}
          </fieldset>
          <fieldset className="booking-slots__step">
            <legend><span className="booking-slots__num" aria-hidden="true">3</span> Your details</legend>
            <div className="booking-slots__fields">
              <div className="booking-slots__field">
                <label htmlFor="booking-slots-name">Name</label>
                <input id="booking-slots-name" autoComplete="name" value={name} onChange={(e) => setName(e.target.value)}
                  aria-invalid={errors.name ? 'true' : undefined} aria-describedby={errors.name ? 'booking-slots-name-error' : undefined} />
                {errors.name && <p className="booking-slots__error" id="booking-slots-name-error">{errors.name}</p>}
              </div>
              <div className="booking-slots__field">
                <label htmlFor="booking-slots-email">Email</label>
                <input id="booking-slots-email" type="email" autoComplete="email" value={email} onChange={(e) => setEmail(e.target.value)}
                  aria-invalid={errors.email ? 'true' : undefined} aria-describedby={errors.email ? 'booking-slots-email-error' : undefined} />
                {errors.email && <p className="booking-slots__error" id="booking-slots-email-error">{errors.email}</p>}
              </div>
            </div>
          </fieldset>
          <div style={TRAP_STYLE} aria-hidden="true">
            <label htmlFor="booking-slots-website">Website</label>
            <input id="booking-slots-website" name="website" type="text" tabIndex={-1} autoComplete="off" value={trap}
              onChange={(event) => setTrap(event.target.value)} />
          </div>
          {status === 'failed' && (
            <p className="booking-slots__error" role="alert">
              {failure || 'The booking could not be sent.'}{' '}
              {contactEmail ? <>Please email <a href={`mailto:${contactEmail}`}>{contactEmail}</a>.</> : 'Please try again later.'}
            </p>
          )}
          <div className="booking-slots__summary">
            <p>{services[service].name} · {dayLabel(day)}{slot ? ` · ${slot}` : ''}</p>
            <button type="submit" className="booking-slots__submit" disabled={status === 'sending'}>
              {status === 'sending' ? 'Booking…' : 'Confirm booking'}
            </button>
          </div>
        </form>
      </div>
    </section>
  );
}
