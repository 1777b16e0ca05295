"""A small but realistic generated project, for tests, benchmarks and smoke checks.

It follows the project contract: ``package.json``, ``index.html``,
``src/main.jsx`` (imports ``./theme.css``, renders ``<App/>`` into ``#root``),
``src/App.jsx`` and ``src/components/*.jsx|*.css``, each component importing
its own CSS. The markup is accessible (landmarks, labels, contrast) so that
browser checks of it are meaningful.
"""

from __future__ import annotations

import json

from ..generation.scaffold import ENTRY, MAIN_JSX, VITE_CONFIG, index_html, package_json

__all__ = ["sample_project"]

_SECTIONS = [
    ("Hero", "Fresh bread, baked every morning", "Our sourdough rises for 36 hours."),
    ("Features", "Why people come back", "Local flour, slow fermentation, no shortcuts."),
    ("Menu", "Today's menu", "Country loaf, rye, croissants and seasonal tarts."),
    ("About", "About the bakery", "A family bakery since 1987."),
    ("Team", "Meet the bakers", "Five bakers, one oven, many early mornings."),
    ("Testimonials", "What neighbours say", "The best croissant in town."),
    ("Pricing", "Bread subscriptions", "Weekly loaves from 12 euros a month."),
    ("Gallery", "From our oven", "Photos of loaves, pastries and the shop."),
    ("Events", "Workshops", "Learn to bake sourdough on Saturdays."),
    ("Faq", "Questions", "Yes, we bake gluten-free bread on Fridays."),
    ("Stats", "In numbers", "1,200 loaves a week."),
    ("Newsletter", "Stay in touch", "One email a month, no spam."),
    ("Location", "Find us", "12 Mill Street, open 7am to 3pm."),
    ("Cta", "Order for tomorrow", "Order by 6pm, collect from 7am."),
]


def _component(name: str, title: str, text: str) -> tuple[str, str]:
    slug = name.lower()
    if name == "Newsletter":
        body = f"""import {{ useState }} from 'react';
import './{name}.css';

export default function {name}() {{
  const [email, setEmail] = useState('');
  const [sent, setSent] = useState(false);
  return (
    <section className="{slug}" id="{slug}" aria-labelledby="{slug}-title">
      <h2 id="{slug}-title">{title}</h2>
      <p>{text}</p>
      {{sent ? <p role="status">Thanks, see you soon.</p> : (
        <form onSubmit={{(e) => {{ e.preventDefault(); setSent(true); }}}}>
          <label htmlFor="{slug}-email">Email address</label>
          <input id="{slug}-email" type="email" value={{email}} onChange={{(e) => setEmail(e.target.value)}} required />
          <button type="submit">Subscribe</button>
        </form>
      )}}
    </section>
  );
}}
"""
    elif name == "Faq":
        body = f"""import {{ useState }} from 'react';
import './{name}.css';

const ITEMS = [
  {{ q: 'Do you bake gluten-free bread?', a: {json.dumps(text)} }},
  {{ q: 'Can I order a cake?', a: 'Yes, two days ahead.' }},
];

export default function {name}() {{
  const [open, setOpen] = useState(0);
  return (
    <section className="{slug}" id="{slug}" aria-labelledby="{slug}-title">
      <h2 id="{slug}-title">{title}</h2>
      {{ITEMS.map((item, i) => (
        <div key={{item.q}}>
          <button type="button" aria-expanded={{open === i}} onClick={{() => setOpen(open === i ? -1 : i)}}>{{item.q}}</button>
          {{open === i && <p>{{item.a}}</p>}}
        </div>
      ))}}
    </section>
  );
}}
"""
    else:
        body = f"""import './{name}.css';

export default function {name}({{ title = {json.dumps(title)} }}) {{
  return (
    <section className="{slug}" id="{slug}" aria-labelledby="{slug}-title">
      <h2 id="{slug}-title">{{title}}</h2>
      <p>{text}</p>
    </section>
  );
}}
"""
    css = f""".{slug} {{
  padding: 3rem 1.25rem;
  max-width: 60rem;
  margin: 0 auto;
}}
.{slug} h2 {{
  font-size: clamp(1.5rem, 4vw, 2.25rem);
  margin: 0 0 1rem;
  color: var(--ink);
}}
.{slug} p {{
  line-height: 1.6;
  color: var(--ink-soft);
}}
"""
    return body, css


def sample_project(components: int = 15, *, title: str = "Mill Street Bakery") -> dict[str, str]:
    """A Vite + React project with ``components`` components (a header plus content sections)."""
    sections = _SECTIONS[: max(0, components - 1)]
    files: dict[str, str] = {
        # the same frame every generated site gets
        "package.json": package_json(title),
        "vite.config.js": VITE_CONFIG,
        "index.html": index_html(title),
        ENTRY: MAIN_JSX,
        "src/theme.css": """:root {
  --ink: #1c1917;
  --ink-soft: #44403c;
  --paper: #fffbf5;
  --accent: #9a3412;
  font-family: system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif;
}
* { box-sizing: border-box; }
body { margin: 0; background: var(--paper); color: var(--ink); }
img { max-width: 100%; height: auto; }
button { background: var(--accent); color: #fff; border: 0; padding: 0.6rem 1rem; border-radius: 0.4rem; }
input { padding: 0.5rem; margin: 0.5rem 0; max-width: 100%; }
a { color: var(--accent); }
""",
        "src/components/Header.jsx": f"""import './Header.css';

const LINKS = {json.dumps([s[0].lower() for s in sections[:4]])};

export default function Header() {{
  return (
    <header className="header">
      <a className="header-brand" href="#top">{title}</a>
      <nav aria-label="Main">
        <ul>
          {{LINKS.map((id) => (
            <li key={{id}}><a href={{'#' + id}}>{{id[0].toUpperCase() + id.slice(1)}}</a></li>
          ))}}
        </ul>
      </nav>
    </header>
  );
}}
""",
        "src/components/Header.css": """.header { display: flex; flex-wrap: wrap; gap: 1rem; align-items: center;
  justify-content: space-between; padding: 1rem 1.25rem; border-bottom: 1px solid #e7e5e4; }
.header-brand { font-weight: 700; text-decoration: none; color: var(--ink); }
.header ul { display: flex; flex-wrap: wrap; gap: 0.75rem; list-style: none; margin: 0; padding: 0; }
""",
    }
    imports = ["import Header from './components/Header.jsx';"]
    usages = []
    for name, heading, text in sections:
        jsx, css = _component(name, heading, text)
        files[f"src/components/{name}.jsx"] = jsx
        files[f"src/components/{name}.css"] = css
        imports.append(f"import {name} from './components/{name}.jsx';")
        usages.append(f"        <{name} />")
    files["src/App.jsx"] = (
        "\n".join(imports)
        + "\n\nexport default function App() {\n  return (\n    <>\n      <Header />\n      <main id=\"top\">\n"
        + "\n".join(usages)
        + "\n      </main>\n      <footer className=\"footer\"><p>&copy; "
        + title
        + "</p></footer>\n    </>\n  );\n}\n"
    )
    return files
