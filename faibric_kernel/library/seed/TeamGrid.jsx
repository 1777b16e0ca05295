import React from 'react';
import './TeamGrid.css';

const DEFAULT_MEMBERS = [
  { name: 'Olivia Chen', role: 'Founder & Creative Director', bio: 'Fifteen years of turning good ideas into great experiences.' },
  { name: 'James Whitaker', role: 'Head of Operations', bio: 'Keeps everything running on time, every time.' },
  { name: 'Leila Haddad', role: 'Lead Designer', bio: 'Obsessed with typography, colour and the little details.' },
  { name: 'Tom Becker', role: 'Customer Success', bio: 'The friendly voice on the other end of the phone.' },
];

function initials(name) {
  return name.split(' ').map((part) => part[0]).join('').slice(0, 2).toUpperCase();
}

export default function TeamGrid({
  eyebrow = 'Our team',
  title = 'The people behind the work',
  subtitle = 'A small, experienced team that cares about every customer.',
  members = DEFAULT_MEMBERS,
}) {
  return (
    <section className="team-grid" id="team" aria-labelledby="team-grid-title">
      <div className="team-grid__inner">
        <header className="team-grid__header">
          {eyebrow && <p className="team-grid__eyebrow">{eyebrow}</p>}
          <h2 id="team-grid-title" className="team-grid__title">{title}</h2>
          {subtitle && <p className="team-grid__subtitle">{subtitle}</p>}
        </header>
        <ul className="team-grid__list">
          {members.map((member, index) => (
            <li className="team-grid__card" key={member.name}>
              <div className={`team-grid__portrait team-grid__portrait--${index % 4}`}>
                <svg viewBox="0 0 120 120" role="img" aria-label={`Illustrated portrait of ${member.name}`}>
                  <circle className="team-grid__halo" cx="60" cy="60" r="60" />
                  <circle className="team-grid__head" cx="60" cy="50" r="22" />
                  <path className="team-grid__body" d="M20 120c4-26 20-40 40-40s36 14 40 40z" />
                  <text className="team-grid__initials" x="60" y="57" textAnchor="middle">{initials(member.name)}</text>
                </svg>
              </div>
              <h3 className="team-grid__name">{member.name}</h3>
              <p className="team-grid__role">{member.role}</p>
              {member.bio && <p className="team-grid__bio">{member.bio}</p>}
            </li>
          ))}
        </ul>
      </div>
    </section>
  );
}
