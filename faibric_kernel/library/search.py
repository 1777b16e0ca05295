"""Lexical ranking for the library: BM25F over name, kind, tags and description, with concept expansion.

No download and no DuckDB extension is needed (the ``fts`` extension is not
in this DuckDB build): the index is a small inverted index in numpy, built
once per library state and cached in the process.

Plain-language queries rarely use a component's words ("a way for visitors to
send us a message" never says "contact form"), so the query is expanded:
trigger words and phrases (see :data:`CONCEPTS`) add a ``kind:<kind>`` term
that only the kind field carries. Expansion terms weigh less than the user's
own words, and every match is explained in the result's ``reasons``.
"""

from __future__ import annotations

import functools
import math
import re
from collections import defaultdict
from dataclasses import dataclass

import numpy as np

from .models import KINDS, LibraryItem

__all__ = ["CONCEPTS", "FIELD_WEIGHTS", "LexicalIndex", "QueryTerm", "analyse_query", "stem", "tokenize"]

STOPWORDS = frozenset(
    """a an and are as at be been but by can do does for from has have how i if in into is it its me my of on or
    our ours so some that the their them then there these they this those to too us was way we what when where
    which who why will with would you your yours all any each every also just like want wants need needs let lets
    page site website section please show shows make makes put should could about very""".split()
)

# field -> (weight, length normalisation b)
FIELD_WEIGHTS: dict[str, tuple[float, float]] = {
    "name": (3.0, 0.3),
    "kind": (3.0, 0.0),
    "tags": (2.0, 0.5),
    "description": (1.0, 0.75),
}
K1 = 1.2
EXPANSION_WEIGHT = 1.6  # weight of a kind:<kind> term added by one strong trigger
_WORD = re.compile(r"[a-z0-9]+(?:&[a-z0-9]+)?")


@functools.lru_cache(maxsize=200_000)
def stem(word: str) -> str:
    """A light English stemmer: plurals, -ing, -ed, -ly kept, final e dropped (price/pricing -> pric)."""
    w = word.lower()
    if len(w) <= 3:
        return w
    if w.endswith("'s"):
        w = w[:-2]
    if w.endswith("ies") and len(w) > 4:
        w = w[:-3] + "y"
    elif w.endswith("sses"):
        w = w[:-2]
    elif w.endswith("s") and not w.endswith(("ss", "us", "is")) and len(w) > 3:
        w = w[:-1]
    for suffix in ("ing", "ed"):
        if w.endswith(suffix) and len(w) - len(suffix) >= 3:
            w = w[: -len(suffix)]
            if len(w) > 3 and w[-1] == w[-2] and w[-1] not in "lsz":
                w = w[:-1]
            break
    if w.endswith("e") and len(w) > 3:
        w = w[:-1]
    return w


def _words(text: str) -> list[str]:
    text = re.sub(r"([a-z])([A-Z])", r"\1 \2", text or "")
    return _WORD.findall(text.lower().replace("-", " "))


def tokenize(text: str, *, keep_stopwords: bool = False) -> list[str]:
    """Lower-cased, stemmed word tokens; CamelCase and kebab-case are split."""
    return [stem(w) for w in _words(text) if keep_stopwords or w not in STOPWORDS]


# Trigger words and phrases that point a plain-language query at a kind, with a strength.
CONCEPTS: dict[str, dict[str, float]] = {
    "navbar": {"navbar": 1, "navigation": 1, "nav": 1, "header": 0.8, "top bar": 1, "navigation menu": 1.5,
               "hamburger": 1, "main menu": 1.2, "links at the top": 1, "menu bar": 1.2, "top of every page": 0.6},
    "hero": {"hero": 1, "banner": 0.6, "headline": 1, "landing": 0.8, "above the fold": 1.2, "first impression": 1,
             "welcome": 0.8, "intro": 0.6, "splash": 1, "big title": 1, "top of the page": 0.8, "tagline": 0.6},
    "features": {"feature": 1, "benefit": 1, "advantage": 1, "why choose": 1.2, "how it works": 1.2, "capability": 1,
                 "highlight": 0.6, "what we offer": 1, "service": 0.7, "step": 0.6, "icons": 0.6, "selling point": 0.8},
    "pricing": {"pricing": 1, "price": 1, "plan": 1, "subscription": 1.2, "tier": 1, "monthly": 0.8, "yearly": 0.8,
                "annual": 0.8, "cost": 1, "package": 0.7, "billing": 1, "rate": 0.6, "fee": 0.8, "how much": 1,
                "membership": 0.8, "compare plans": 1.4},
    "menu": {"menu": 1, "dish": 1.2, "food": 1, "meal": 1, "drink": 0.8, "dinner": 0.5, "lunch": 0.6,
             "breakfast": 0.8, "restaurant": 0.5, "cafe": 0.5, "bakery": 0.6, "cake": 0.7, "pastry": 0.8,
             "coffee": 0.6, "starter": 0.8, "dessert": 0.8, "cuisine": 1, "bread": 0.7, "wine list": 1},
    "gallery": {"gallery": 1, "photo": 1.2, "picture": 1.2, "image": 1, "portfolio": 1, "slideshow": 1.2,
                "carousel": 1, "showcase": 0.8, "lightbox": 1, "album": 1, "our work": 0.6},
    "testimonials": {"testimonial": 1, "review": 1.2, "quote": 0.8, "endorsement": 1, "what customers say": 1.5,
                     "what our customers say": 1.5, "rating": 0.8, "star": 0.8, "social proof": 1, "praise": 1,
                     "happy customer": 1.2, "happy client": 1.2, "say about us": 1.2, "recommend": 0.6},
    "team": {"team": 1, "staff": 1.2, "people": 0.5, "employee": 1.2, "crew": 1, "member": 0.6,
             "meet the": 1, "who works": 1.2, "colleague": 1, "bio": 0.8, "our people": 1.2, "stylist": 0.8},
    "faq": {"faq": 1.5, "question": 1, "answer": 1, "frequently asked": 1.5, "q&a": 1.5, "common question": 1.5,
            "help": 0.4, "good to know": 1},
    "contact-form": {"contact": 1.2, "message": 1.2, "get in touch": 1.5, "reach": 0.8, "enquiry": 1, "inquiry": 1,
                     "send us": 1, "write to us": 1.2, "email us": 1.2, "talk to us": 0.8, "contact form": 1.5,
                     "feedback form": 1, "drop us a line": 1.2, "reach out": 1.2},
    "booking-form": {"book": 1, "booking": 1.2, "reservation": 1.2, "reserve": 1.2, "appointment": 1.2,
                     "schedule": 0.8, "slot": 1, "book a table": 1.5, "reserve a table": 1.5, "table": 0.6, "calendar": 0.6, "time that suits": 1,
                     "session": 0.5, "availability": 0.8},
    "footer": {"footer": 1.5, "bottom": 1, "copyright": 1.2, "sitemap": 1, "bottom of every page": 1.5,
               "legal link": 1, "social link": 0.6, "end of the page": 1},
    "blog-list": {"blog": 1.2, "article": 1.2, "post": 1, "news": 0.8, "journal": 1, "stories": 0.8, "latest": 0.6,
                  "magazine": 0.8, "write up": 0.6},
    "product-grid": {"product": 1.2, "shop": 1, "store": 1, "ecommerce": 1.2, "e commerce": 1.2, "buy": 1,
                     "cart": 1.2, "basket": 1.2, "catalog": 1, "catalogue": 1, "merchandise": 1, "sell": 1,
                     "goods": 0.8, "for sale": 1, "online shop": 1.5, "online store": 1.5, "add to cart": 1.5},
    "stats": {"stat": 1.2, "statistic": 1.2, "number": 1, "metric": 1.2, "figure": 1, "counter": 1,
              "achievement": 0.8, "kpi": 1.2, "track record": 1, "by the numbers": 1.5, "impressive": 0.5},
    "cta": {"call to action": 1.5, "cta": 1.5, "get started": 1, "conversion": 1, "offer": 0.8, "promotion": 1,
            "discount": 1, "sign up now": 1.2, "urging": 1, "urge": 1, "encourage": 0.8, "persuade": 1,
            "convince": 1, "limited time": 1, "free trial": 1},
    "map": {"map": 1.2, "location": 1.2, "address": 1, "direction": 1.2, "find us": 1.5, "visit us": 1.2,
            "where to find": 1.5, "opening hours": 1.2, "how to get": 1.2, "where we are": 1.5, "parking": 0.8,
            "located": 1},
    "newsletter": {"newsletter": 1.5, "subscribe": 1.2, "mailing list": 1.5, "email list": 1.5, "update": 0.8,
                   "signup": 0.8, "sign up": 0.8, "email address": 0.8, "collect email": 1.5, "inbox": 1},
    "about": {"about us": 1.5, "about me": 1.5, "about section": 1.5, "about page": 1.5, "about the company": 1.5,
              "about the business": 1.5, "story": 1, "history": 1.2, "mission": 1, "value": 0.8, "who we are": 1.5,
              "our company": 1, "founder": 1, "began": 1, "founded": 1.2, "background": 0.8, "principle": 1},
    "logo-cloud": {"logo": 1.2, "client": 0.8, "partner": 1, "brand": 0.6, "trusted by": 1.5, "as seen in": 1.5,
                   "worked with": 1, "companies": 0.8},
}
assert set(CONCEPTS) <= set(KINDS)


def _compile_triggers() -> list[tuple[tuple[str, ...], str, float]]:
    triggers = []
    for kind, words in CONCEPTS.items():
        for phrase, strength in words.items():
            stems = tuple(stem(w) for w in _WORD.findall(phrase))
            triggers.append((stems, kind, float(strength)))
    # longest phrases first, so "navigation menu" wins over "menu"
    triggers.sort(key=lambda t: -len(t[0]))
    return triggers


_TRIGGERS = _compile_triggers()


@dataclass(frozen=True)
class QueryTerm:
    """One weighted search term; ``origin`` says which query words produced it."""

    term: str
    weight: float
    origin: str


def analyse_query(query: str) -> tuple[list[QueryTerm], dict[str, list[str]]]:
    """The weighted terms of a query and, per inferred kind, the words that suggested it."""
    words = _words(query)
    all_stems = [stem(w) for w in words]
    terms: dict[str, QueryTerm] = {}
    for word, token in zip(words, all_stems, strict=True):
        if word in STOPWORDS:
            continue
        if token in terms:
            terms[token] = QueryTerm(token, terms[token].weight + 0.5, terms[token].origin)
        else:
            terms[token] = QueryTerm(token, 1.0, word)
    # phrase triggers run over the full stem sequence (stopwords kept, so "get in touch" matches)
    used = [False] * len(all_stems)
    evidence: dict[str, list[str]] = defaultdict(list)
    strength: dict[str, float] = defaultdict(float)
    for stems, kind, weight in _TRIGGERS:
        n = len(stems)
        for i in range(len(all_stems) - n + 1):
            if tuple(all_stems[i:i + n]) == stems and not any(used[i:i + n]):
                if n > 1 or stems[0] not in STOPWORDS:
                    strength[kind] += weight
                    evidence[kind].append(" ".join(words[i:i + n]))
                    for j in range(i, i + n):
                        used[j] = True
    for kind, total in strength.items():
        # diminishing returns: three weak hints should not outweigh one exact kind word
        weight = EXPANSION_WEIGHT * (1 - math.exp(-1.2 * total)) / (1 - math.exp(-1.2))
        term = f"kind:{kind}"
        terms[term] = QueryTerm(term, weight, ", ".join(evidence[kind]))
    return list(terms.values()), dict(evidence)


def _item_fields(item: LibraryItem) -> dict[str, list[str]]:
    kind_words = tokenize(item.kind) + [f"kind:{item.kind}"]
    return {
        "name": tokenize(item.name) + tokenize(item.id),
        "kind": kind_words,
        "tags": [t for tag in item.tags for t in tokenize(tag)],
        "description": tokenize(item.description),
    }


class LexicalIndex:
    """An in-memory BM25F index over library items (build once, search many times)."""

    def __init__(self, items: list[LibraryItem]):
        self.items = list(items)
        n = len(self.items)
        self.n = n
        self.quality = np.array([it.quality_score for it in self.items], dtype=np.float64) if n else np.zeros(0)
        self.usage = np.array([it.usage_count for it in self.items], dtype=np.float64) if n else np.zeros(0)
        self.kinds = np.array([it.kind for it in self.items], dtype=object)
        self.ids = {it.id: i for i, it in enumerate(self.items)}
        fields = [_item_fields(it) for it in self.items]
        self.fields = fields
        avg_len = {f: (sum(len(doc[f]) for doc in fields) / n if n else 1.0) or 1.0 for f in FIELD_WEIGHTS}
        # term -> {doc: pseudo term frequency}
        tf: dict[str, dict[int, float]] = defaultdict(lambda: defaultdict(float))
        for doc_id, doc in enumerate(fields):
            for name, (weight, b) in FIELD_WEIGHTS.items():
                tokens = doc[name]
                if not tokens:
                    continue
                norm = 1 - b + b * len(tokens) / avg_len[name]
                counts: dict[str, int] = defaultdict(int)
                for t in tokens:
                    counts[t] += 1
                for t, c in counts.items():
                    tf[t][doc_id] += weight * c / norm
        self.postings: dict[str, tuple[np.ndarray, np.ndarray]] = {}
        self.idf: dict[str, float] = {}
        for term, docs in tf.items():
            doc_ids = np.fromiter(docs.keys(), dtype=np.int64, count=len(docs))
            weights = np.fromiter(docs.values(), dtype=np.float64, count=len(docs))
            self.postings[term] = (doc_ids, weights * (K1 + 1) / (weights + K1))
            df = len(docs)
            self.idf[term] = math.log(1 + (n - df + 0.5) / (df + 0.5))
        self.kind_set = frozenset(self.kinds.tolist()) if n else frozenset()
        self._max_idf = max(self.idf.values(), default=1.0)

    def __len__(self) -> int:
        return self.n

    def scores(self, terms: list[QueryTerm], kind: str | None = None) -> tuple[np.ndarray, float]:
        """Raw BM25F scores for every item, and the best score the query could reach."""
        scores = np.zeros(self.n, dtype=np.float64)
        ceiling = 0.0
        for qt in terms:
            # a word the library has never seen still counts against the query's ceiling
            idf = self.idf.get(qt.term, self._max_idf)
            ceiling += qt.weight * idf * (K1 + 1)
            posting = self.postings.get(qt.term)
            if posting is None:
                continue
            doc_ids, saturated = posting
            scores[doc_ids] += qt.weight * idf * saturated
        if kind is not None:
            scores[self.kinds != kind] = 0.0
        return scores, ceiling

    def normalised(self, terms: list[QueryTerm], kind: str | None = None) -> np.ndarray:
        """Scores in [0, 1]: the share of the query's weighted evidence each item carries, times quality."""
        raw, ceiling = self.scores(terms, kind)
        if ceiling <= 0:
            return raw
        # sqrt lifts partial matches so that "matches most of the query" reads as a strong score
        base = np.sqrt(np.clip(raw / ceiling, 0.0, 1.0))
        # quality moves a score by at most +-10 percent; usage breaks ties
        return np.clip(base * (0.9 + 0.2 * self.quality) + 1e-6 * np.log1p(self.usage), 0.0, 1.0) * (raw > 0)

    def explain(self, doc_id: int, terms: list[QueryTerm]) -> list[str]:
        """Why item ``doc_id`` matched: which query words hit which fields."""
        doc = self.fields[doc_id]
        reasons = []
        for qt in terms:
            if qt.term.startswith("kind:"):
                if qt.term in doc["kind"]:
                    reasons.append(f"kind {self.items[doc_id].kind!r} fits {qt.origin!r}")
                continue
            hits = [f for f in ("name", "kind", "tags", "description") if qt.term in doc[f]]
            if hits:
                reasons.append(f"{qt.origin!r} in {'/'.join(hits)}")
        return reasons

    def top(self, scores: np.ndarray, k: int) -> list[int]:
        """Indices of the ``k`` best positive scores, best first (stable by name for ties)."""
        positive = np.flatnonzero(scores > 0)
        if positive.size == 0:
            return []
        if positive.size > k:
            part = positive[np.argpartition(-scores[positive], k - 1)[:k]]
        else:
            part = positive
        return sorted(part.tolist(), key=lambda i: (-scores[i], self.items[i].id))
