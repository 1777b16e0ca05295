"""The placeholder shown in the preview while a site is being built (the seed's ProgressivePreview).

While the model writes, the operator sees a page that already looks like the
site asked for: the business name from the prompt, a colour scheme that fits
the kind of business, and skeleton blocks named after the sections the prompt
asks for. Blocks appear as the build advances, so the placeholder tells the
operator both what is coming and how far along it is.

:func:`sketch_prompt` reads the prompt; :func:`placeholder_html` renders a
self-contained document (no scripts, no network) for the preview iframe.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field

__all__ = ["SiteSketch", "placeholder_html", "sketch_prompt"]


@dataclass(frozen=True)
class _Kind:
    name: str
    words: tuple[str, ...]
    tagline: str
    colours: tuple[str, str, str]  # dark, main, accent
    noun: str = "site"


# first match wins; words of four letters or more match as word prefixes
_KINDS = (
    _Kind("bakery", ("bakery", "bakeries", "pastry", "patisserie", "bread", "cake"),
          "Fresh from the oven, every morning", ("#3f2a1d", "#b45309", "#fbbf24"), "bakery"),
    _Kind("restaurant", ("restaurant", "cafe", "café", "coffee", "bistro", "diner", "pizz", "food", "chef", "bar "),
          "Good food, made with care", ("#3b2f2a", "#a16207", "#fcd34d"), "restaurant"),
    _Kind("fitness", ("gym", "fitness", "yoga", "pilates", "workout", "trainer", "crossfit"),
          "Stronger every week", ("#1e1b4b", "#7c3aed", "#c4b5fd"), "studio"),
    _Kind("beauty", ("salon", "hair", "beauty", "barber", "spa", "nail"),
          "Look good, feel better", ("#831843", "#db2777", "#f9a8d4"), "salon"),
    _Kind("health", ("clinic", "dentist", "dental", "therap", "doctor", "health", "psycholog", "counsel"),
          "Care you can count on", ("#134e4a", "#0d9488", "#5eead4"), "practice"),
    _Kind("portfolio", ("portfolio", "photographer", "artist", "designer", "illustrator", "architect"),
          "Selected work", ("#18181b", "#4f46e5", "#c084fc"), "portfolio"),
    _Kind("saas", ("saas", "software", "app", "startup", "platform", "api", "tool"),
          "Do more with less effort", ("#0f172a", "#2563eb", "#60a5fa"), "product"),
    _Kind("shop", ("shop", "store", "boutique", "ecommerce", "e-commerce", "products"),
          "Things worth having", ("#1c1917", "#059669", "#6ee7b7"), "shop"),
    _Kind("event", ("conference", "festival", "wedding", "event", "meetup", "summit", "concert"),
          "Save the date", ("#312e81", "#db2777", "#fbcfe8"), "event"),
    _Kind("realestate", ("real estate", "property", "properties", "apartment", "rental", "realtor"),
          "Find the place that fits", ("#1c1917", "#047857", "#34d399"), "agency"),
    _Kind("agency", ("agency", "studio", "consult", "marketing", "law firm", "accountant"),
          "We help you grow", ("#111827", "#dc2626", "#fca5a5"), "agency"),
    _Kind("blog", ("blog", "magazine", "newsletter", "journal", "podcast"),
          "Stories worth reading", ("#1f2937", "#0369a1", "#7dd3fc"), "blog"),
)
_DEFAULT_KIND = _Kind("business", (), "Professional services, tailored to you", ("#1e293b", "#3b82f6", "#93c5fd"))

# section name -> words in a prompt that ask for it (matched as word prefixes)
_SECTIONS = (
    ("Menu", ("menu", "dishes", "drinks")),
    ("Services", ("service", "treatments", "offerings")),
    ("Features", ("feature", "benefit")),
    ("Products", ("product", "catalog", "catalogue", "shop")),
    ("Pricing", ("pricing", "price", "plans", "tiers", "packages")),
    ("Gallery", ("gallery", "photos", "pictures", "images", "portfolio", "work samples")),
    ("About", ("about", "story", "history", "mission")),
    ("Team", ("team", "staff", "founders", "people")),
    ("Testimonials", ("testimonial", "reviews", "quotes from")),
    ("Schedule", ("schedule", "timetable", "agenda", "classes", "program")),
    ("Booking", ("booking", "book ", "reservation", "reserve", "appointment")),
    ("FAQ", ("faq", "questions")),
    ("Blog", ("blog", "articles", "news")),
    ("Location", ("location", "map", "hours", "opening times", "find us", "address")),
    ("Newsletter", ("newsletter", "subscribe", "sign up", "signup", "waitlist")),
    ("Contact", ("contact", "form", "get in touch", "email us", "call us")),
)
_DEFAULT_SECTIONS = ("Features", "About", "Contact")

_NAME_PATTERNS = (
    re.compile(r"[\"“”'‘’]([^\"“”'‘’]{2,40})[\"“”'‘’]"),
    re.compile(r"\b(?:called|named|brand(?:ed)?(?: as)?|name is)\s+([A-Z0-9][\w'&.-]*(?:\s+(?:&\s+)?[A-Z0-9][\w'&.-]*){0,4})"),
    re.compile(r"\b(?:for|at|of)\s+([A-Z][\w'&.-]*(?:\s+(?:&\s+|de\s+|da\s+|do\s+|la\s+|le\s+|of\s+)?[A-Z0-9][\w'&.-]*){0,4})"),
)
_NOT_NAMES = {"A", "An", "The", "My", "Our", "I", "We", "React", "Vite", "Lisbon", "London", "Paris"}


@dataclass(frozen=True)
class SiteSketch:
    """What a prompt says about the site to come: its name, kind, tagline, colours and sections."""

    name: str
    kind: str
    tagline: str
    colours: tuple[str, str, str]
    sections: tuple[str, ...] = field(default_factory=tuple)


def _has_word(text: str, word: str) -> bool:
    # short words must match whole ("app" is not "apple"); longer ones as prefixes ("bakeries")
    tail = r"(?![a-z])" if len(word) <= 3 else ""
    return re.search(r"(?<![a-z])" + re.escape(word) + tail, text) is not None


def _business_name(prompt: str) -> str | None:
    for pattern in _NAME_PATTERNS:
        for match in pattern.finditer(prompt):
            candidate = match.group(1).strip(" .,;:!-")
            if candidate and candidate not in _NOT_NAMES and len(candidate) >= 2:
                return candidate
    return None


def _sketch_by_rules(prompt: str) -> SiteSketch:
    text = " " + (prompt or "").lower() + " "
    kind = next((k for k in _KINDS if any(_has_word(text, w) for w in k.words)), _DEFAULT_KIND)
    sections = tuple(name for name, words in _SECTIONS if any(_has_word(text, w) for w in words))
    name = _business_name(prompt or "") or f"Your {kind.noun}"
    return SiteSketch(name=name, kind=kind.name, tagline=kind.tagline, colours=kind.colours,
                      sections=sections or _DEFAULT_SECTIONS)


# the generation brief's section kinds that frame every page rather than being sections of it
_FRAME_SECTIONS = {"navbar", "hero", "footer", "cta"}
_SECTION_TITLES = {"product-grid": "Products", "blog-list": "Blog", "booking-form": "Booking",
                   "contact-form": "Contact", "map": "Location", "faq": "FAQ"}


def sketch_prompt(prompt: str) -> SiteSketch:
    """Read a prompt the way the build will: name, kind of business, colours, sections.

    The generation brief is used when it is installed, so the placeholder shows
    the same name (given or invented) and sections as the site that replaces it;
    simple rules stand in otherwise.
    """
    rules = _sketch_by_rules(prompt)
    try:
        from ..generation.brief import analyse_prompt
        from ..library.themes import resolve_palette

        brief = analyse_prompt(prompt or "")
        palette = resolve_palette(brief.theme)
        colours = (palette["text"], palette["primary"], palette["accent"])
    except Exception:  # noqa: BLE001 - the placeholder is decoration; it must never fail a build
        return rules
    sections = tuple(_SECTION_TITLES.get(s, s.replace("-", " ").title())
                     for s in brief.sections if s not in _FRAME_SECTIONS)
    tagline = next((k.tagline for k in _KINDS if k.name == brief.kind), rules.tagline)
    return SiteSketch(name=brief.business_name or rules.name, kind=brief.kind, tagline=tagline, colours=colours,
                      sections=sections or rules.sections)


_CSS = """
*{box-sizing:border-box}body{margin:0;font-family:system-ui,-apple-system,'Segoe UI',sans-serif;background:#f8fafc;color:%(dark)s}
.bar{position:sticky;top:0;z-index:2;display:flex;align-items:center;gap:.6rem;padding:.5rem 1rem;background:%(dark)s;color:#fff;font-size:.85rem}
.bar .dot{width:.55rem;height:.55rem;border-radius:50%%;background:%(accent)s;animation:pulse 1s infinite alternate}
.bar .pct{margin-left:auto;font-variant-numeric:tabular-nums}
.track{height:4px;background:#e2e8f0}.fill{height:4px;background:%(main)s;width:%(pct)d%%;transition:width .4s}
header{display:flex;align-items:center;justify-content:space-between;padding:1rem 2rem;background:#fff;border-bottom:1px solid #e2e8f0}
.logo{font-weight:800;font-size:1.2rem;color:%(dark)s}.nav{display:flex;gap:1rem}
.nav span{font-size:.85rem;color:#64748b}
.hero{padding:3.5rem 2rem;text-align:center;background:linear-gradient(135deg,%(dark)s,%(main)s);color:#fff}
.hero h1{margin:0 0 .6rem;font-size:2.4rem}.hero p{margin:0 0 1.4rem;opacity:.85}
.cta{display:inline-block;padding:.7rem 1.6rem;border-radius:999px;background:%(accent)s;color:%(dark)s;font-weight:700}
section{padding:2rem;max-width:960px;margin:0 auto}
section h2{margin:0 0 1rem;font-size:1.3rem;color:%(dark)s}
.cards{display:grid;grid-template-columns:repeat(3,1fr);gap:1rem}
.sk{background:linear-gradient(90deg,#e2e8f0 25%%,#f1f5f9 50%%,#e2e8f0 75%%);background-size:200%% 100%%;
animation:shimmer 1.4s infinite linear;border-radius:10px}
.card{height:110px}.line{height:.8rem;margin:.5rem 0}.w60{width:60%%}.w80{width:80%%}.w40{width:40%%}
.pending{opacity:.35}.pending h2:after{content:' \\2026';color:#94a3b8}
footer{padding:1.5rem 2rem;text-align:center;color:#64748b;font-size:.8rem;border-top:1px solid #e2e8f0;background:#fff}
@keyframes shimmer{0%%{background-position:200%% 0}100%%{background-position:-200%% 0}}
@keyframes pulse{from{opacity:.3}to{opacity:1}}
"""


def _section_html(name: str, shown: bool) -> str:
    cards = "".join('<div class="sk card"></div>' for _ in range(3))
    body = (
        f'<div class="cards">{cards}</div><div class="sk line w80"></div><div class="sk line w60"></div>'
        if shown else '<div class="sk line w40"></div>'
    )
    css_class = "" if shown else ' class="pending"'
    return f'<section{css_class} data-section="{html.escape(name)}"><h2>{html.escape(name)}</h2>{body}</section>'


def placeholder_html(prompt: str, percent: float = 0, stage: str | None = None, message: str | None = None) -> str:
    """A document that stands in for the site while it is built, revealed step by step as ``percent`` grows."""
    sketch = sketch_prompt(prompt)
    pct = max(0, min(100, int(percent or 0)))
    dark, main, accent = sketch.colours
    name = html.escape(sketch.name)
    nav = "".join(f"<span>{html.escape(s)}</span>" for s in sketch.sections[:5])
    # the sections fill in between 20% and 90%, in the order the prompt named them
    sections = sketch.sections
    shown_count = 0 if pct < 20 else min(len(sections), 1 + int((pct - 20) / 70 * len(sections)))
    body = "".join(_section_html(s, i < shown_count) for i, s in enumerate(sections))
    status = html.escape(
        " - ".join(p for p in ((stage or "starting").replace("_", " ").capitalize(), message or "") if p)
    )
    hero = (
        f'<div class="hero"><h1>{name}</h1><p>{html.escape(sketch.tagline)}</p><span class="cta">&nbsp;</span></div>'
        if pct >= 8
        else '<div class="hero"><div class="sk line w40" style="margin:0 auto 1rem;height:2rem"></div></div>'
    )
    footer = f"<footer>{name}</footer>" if pct >= 90 else ""
    return (
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">"
        "<meta name=\"viewport\" content=\"width=device-width,initial-scale=1\">"
        f"<title>Building {name}</title><style>{_CSS % {'dark': dark, 'main': main, 'accent': accent, 'pct': pct}}"
        "</style></head><body data-placeholder=\"1\">"
        f'<div class="bar" role="status"><span class="dot"></span><span>Building {name}: {status}</span>'
        f'<span class="pct">{pct}%</span></div><div class="track"><div class="fill"></div></div>'
        f'<header><span class="logo">{name}</span><nav class="nav">{nav}</nav></header>'
        f"{hero}{body}{footer}</body></html>"
    )
