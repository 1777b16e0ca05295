import React from 'react';
import './PostList.css';

export default function PostList({ eyebrow, title, subtitle, items = [] }) {
  return (
    <section className="section" aria-labelledby="post-list-title">
      <div className="section__inner">
        <header className="section__header">
          {eyebrow && <p className="section__eyebrow">{eyebrow}</p>}
          <h2 id="post-list-title" className="section__title">{title}</h2>
          {subtitle && <p className="section__subtitle">{subtitle}</p>}
        </header>
        <ul className="post-list">
          {items.map((post) => (
            <li key={post.title} className="post-list__card">
              <p className="post-list__meta"><span>{post.tag}</span> · {post.date} · {post.readTime}</p>
              <h3>{post.title}</h3>
              <p className="post-list__excerpt">{post.excerpt}</p>
            </li>
          ))}
        </ul>
      </div>
    </section>
  );
}
