import React from 'react';
import './BlogList.css';

const DEFAULT_POSTS = [
  { title: 'Five small changes that make a big first impression', excerpt: 'From clear opening hours to a friendly welcome line, here is what visitors notice in the first five seconds.', date: '2026-10-14', category: 'Tips', readTime: '4 min read', href: '#post-1' },
  { title: 'Behind the scenes: how we plan a seasonal menu', excerpt: 'We asked our head chef how a new menu goes from the market stall to your table.', date: '2026-09-30', category: 'Stories', readTime: '6 min read', href: '#post-2' },
  { title: 'A beginner\'s guide to getting found on maps', excerpt: 'A simple checklist to make sure customers nearby can find you, call you and visit you.', date: '2026-09-12', category: 'Guides', readTime: '5 min read', href: '#post-3' },
];

function formatDate(iso) {
  const date = new Date(`${iso}T00:00:00`);
  if (Number.isNaN(date.getTime())) return iso;
  return date.toLocaleDateString(undefined, { year: 'numeric', month: 'long', day: 'numeric' });
}

export default function BlogList({
  eyebrow = 'From the blog',
  title = 'Latest news and stories',
  subtitle = 'Ideas, updates and behind-the-scenes notes from our team.',
  posts = DEFAULT_POSTS,
  allHref = '#blog',
  allLabel = 'View all posts',
}) {
  return (
    <section className="blog-list" id="blog" aria-labelledby="blog-list-title">
      <div className="blog-list__inner">
        <header className="blog-list__header">
          <div>
            {eyebrow && <p className="blog-list__eyebrow">{eyebrow}</p>}
            <h2 id="blog-list-title" className="blog-list__title">{title}</h2>
            {subtitle && <p className="blog-list__subtitle">{subtitle}</p>}
          </div>
          {allLabel && <a className="blog-list__all" href={allHref}>{allLabel} <span aria-hidden="true">→</span></a>}
        </header>
        <ul className="blog-list__grid">
          {posts.map((post, index) => (
            <li key={post.title}>
              <article className="blog-list__card">
                <div className={`blog-list__cover blog-list__cover--${index % 3}`} aria-hidden="true">
                  <span className="blog-list__shape" />
                </div>
                <div className="blog-list__body">
                  <p className="blog-list__meta">
                    <span className="blog-list__category">{post.category}</span>
                    <time dateTime={post.date}>{formatDate(post.date)}</time>
                  </p>
                  <h3 className="blog-list__post-title">
                    <a href={post.href}>{post.title}</a>
                  </h3>
                  <p className="blog-list__excerpt">{post.excerpt}</p>
                  {post.readTime && <p className="blog-list__read">{post.readTime}</p>}
                </div>
              </article>
            </li>
          ))}
        </ul>
      </div>
    </section>
  );
}
