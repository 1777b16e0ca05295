import React from 'react';
import './BlogFeatured.css';

const DEFAULT_FEATURED = {
  title: 'How we rebuilt our neighbourhood café around the people who visit it',
  excerpt: 'A year of listening to regulars changed our opening hours, our menu and even the chairs. Here is what we learned along the way, and what we would do differently.',
  author: 'Nadia Rahman',
  date: '2026-11-02',
  category: 'Case study',
  href: '#post-featured',
};

const DEFAULT_POSTS = [
  { title: 'Our new autumn opening hours', date: '2026-10-21', category: 'News', href: '#post-a' },
  { title: 'Meet the makers: the potters behind our mugs', date: '2026-10-08', category: 'Stories', href: '#post-b' },
  { title: 'Three recipes to try this weekend', date: '2026-09-27', category: 'Recipes', href: '#post-c' },
  { title: 'Why we switched to a four-day week', date: '2026-09-15', category: 'Team', href: '#post-d' },
];

function formatDate(iso) {
  const date = new Date(`${iso}T00:00:00`);
  if (Number.isNaN(date.getTime())) return iso;
  return date.toLocaleDateString(undefined, { year: 'numeric', month: 'short', day: 'numeric' });
}

export default function BlogFeatured({
  title = 'Journal',
  featured = DEFAULT_FEATURED,
  posts = DEFAULT_POSTS,
  readLabel = 'Read the story',
}) {
  return (
    <section className="blog-featured" id="blog" aria-labelledby="blog-featured-title">
      <div className="blog-featured__inner">
        <h2 id="blog-featured-title" className="blog-featured__title">{title}</h2>
        <div className="blog-featured__layout">
          <article className="blog-featured__main">
            <div className="blog-featured__cover" aria-hidden="true">
              <span className="blog-featured__sun" />
              <span className="blog-featured__wave" />
            </div>
            <p className="blog-featured__meta">
              <span className="blog-featured__tag">{featured.category}</span>
              <time dateTime={featured.date}>{formatDate(featured.date)}</time>
              {featured.author && <span>by {featured.author}</span>}
            </p>
            <h3 className="blog-featured__headline"><a href={featured.href}>{featured.title}</a></h3>
            <p className="blog-featured__excerpt">{featured.excerpt}</p>
            <a className="blog-featured__read" href={featured.href}>
              {readLabel}<span className="blog-featured__sr">: {featured.title}</span> <span aria-hidden="true">→</span>
            </a>
          </article>
          <aside className="blog-featured__side" aria-label="More posts">
            <ol className="blog-featured__list">
              {posts.map((post, index) => (
                <li key={post.title} className="blog-featured__item">
                  <span className="blog-featured__num" aria-hidden="true">{String(index + 1).padStart(2, '0')}</span>
                  <div>
                    <p className="blog-featured__item-meta">{post.category} · <time dateTime={post.date}>{formatDate(post.date)}</time></p>
                    <h3 className="blog-featured__item-title"><a href={post.href}>{post.title}</a></h3>
                  </div>
                </li>
              ))}
            </ol>
          </aside>
        </div>
      </div>
    </section>
  );
}
