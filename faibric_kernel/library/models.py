"""The library's records: items, search results, reuse decisions, and notebook-friendly lists of them."""

from __future__ import annotations

import html
import json
import math
from dataclasses import asdict, dataclass, field
from datetime import datetime

from ..errors import InvalidInputError

__all__ = [
    "KIND_ALIASES",
    "KINDS",
    "ItemList",
    "LibraryItem",
    "ResultList",
    "ReuseDecision",
    "SearchResult",
    "normalise_kind",
]

# The section kinds generation asks for; items may only use these (or their aliases).
KINDS: tuple[str, ...] = (
    "navbar", "hero", "features", "pricing", "menu", "gallery", "testimonials", "team", "faq",
    "contact-form", "booking-form", "footer", "blog-list", "product-grid", "stats", "cta", "map",
    "newsletter", "about", "logo-cloud",
)

KIND_ALIASES: dict[str, str] = {
    "nav": "navbar", "navigation": "navbar", "header": "navbar",
    "feature": "features", "benefits": "features",
    "prices": "pricing", "plans": "pricing",
    "testimonial": "testimonials", "reviews": "testimonials",
    "contact": "contact-form", "contact form": "contact-form",
    "booking": "booking-form", "booking form": "booking-form", "reservation": "booking-form",
    "blog": "blog-list", "blog list": "blog-list",
    "products": "product-grid", "product grid": "product-grid", "shop": "product-grid",
    "statistics": "stats", "call to action": "cta", "call-to-action": "cta",
    "location": "map", "map/location": "map", "newsletter signup": "newsletter", "newsletter-signup": "newsletter",
    "logos": "logo-cloud", "logo cloud": "logo-cloud", "about us": "about", "questions": "faq",
}


def normalise_kind(kind: str | None, extra: set[str] | frozenset[str] = frozenset()) -> str | None:
    """The canonical kind for ``kind`` (aliases allowed), or InvalidInputError listing the valid kinds."""
    if kind is None:
        return None
    if not isinstance(kind, str) or not kind.strip():
        raise InvalidInputError(f"kind must be a non-empty string; valid kinds: {', '.join(KINDS)}")
    key = " ".join(kind.strip().lower().replace("_", " ").split())
    if key.replace(" ", "-") in KINDS or key.replace(" ", "-") in extra:
        return key.replace(" ", "-")
    if key in KIND_ALIASES:
        return KIND_ALIASES[key]
    raise InvalidInputError(
        f"unknown kind {kind!r}; valid kinds: {', '.join(sorted(set(KINDS) | set(extra)))}",
        kind=kind,
        valid_kinds=sorted(set(KINDS) | set(extra)),
    )


def _chars_to_tokens(chars: int) -> int:
    # about four characters per token for code, the usual rule of thumb for Claude-style tokenisers
    return math.ceil(chars / 4)


@dataclass
class LibraryItem:
    """One reusable component: its code and CSS, what it accepts, and how well it has done."""

    id: str
    name: str
    kind: str
    description: str
    tags: list[str]
    files: dict[str, str]
    props: dict
    usage_count: int = 0
    quality_score: float = 0.5
    source: str = "seed"
    provenance: dict | None = None
    created_at: datetime | None = None
    updated_at: datetime | None = None
    embedding: list[float] | None = None

    @property
    def component_path(self) -> str:
        """The project path of the component's code (``src/components/<Name>.jsx``)."""
        for path in self.files:
            if path.endswith((".jsx", ".js", ".tsx")):
                return path
        return f"src/components/{self.name}.jsx"

    @property
    def code(self) -> str:
        """The component's JSX."""
        return self.files.get(self.component_path, "")

    @property
    def est_tokens(self) -> int:
        """Roughly how many output tokens writing these files from scratch would take."""
        return _chars_to_tokens(sum(len(text) for text in self.files.values()))

    def usage_example(self) -> str:
        """How a project imports and renders this component."""
        return f"import {self.name} from './components/{self.name}';\n\n<{self.name} />"

    def summary(self) -> dict:
        """The fields a table shows (no code)."""
        return {
            "id": self.id,
            "name": self.name,
            "kind": self.kind,
            "description": self.description,
            "tags": ", ".join(self.tags),
            "props": len(self.props or {}),
            "usage_count": self.usage_count,
            "quality_score": round(self.quality_score, 3),
            "source": self.source,
        }

    def to_dict(self, *, include_files: bool = True, include_embedding: bool = False) -> dict:
        data = asdict(self)
        if not include_files:
            data.pop("files")
        if not include_embedding:
            data.pop("embedding")
        for key in ("created_at", "updated_at"):
            if isinstance(data[key], datetime):
                data[key] = data[key].isoformat()
        return data

    def _repr_html_(self) -> str:
        rows = "".join(
            f"<tr><td><code>{html.escape(name)}</code></td><td>{html.escape(str(spec.get('type', '')))}</td>"
            f"<td><code>{html.escape(json.dumps(spec.get('default'), ensure_ascii=False)[:80])}</code></td>"
            f"<td>{html.escape(str(spec.get('description', '')))}</td></tr>"
            for name, spec in (self.props or {}).items()
        )
        files = ", ".join(html.escape(p) for p in self.files)
        return (
            f"<div><h4 style='margin:0'>{html.escape(self.name)} <small>({html.escape(self.kind)}, "
            f"{html.escape(self.id)})</small></h4><p>{html.escape(self.description)}</p>"
            f"<p><b>tags</b>: {html.escape(', '.join(self.tags))} &middot; <b>files</b>: {files} &middot; "
            f"<b>used</b> {self.usage_count}&times; &middot; <b>quality</b> {self.quality_score:.2f} &middot; "
            f"<b>source</b> {html.escape(self.source)}</p>"
            f"<table><thead><tr><th>prop</th><th>type</th><th>default</th><th>description</th></tr></thead>"
            f"<tbody>{rows}</tbody></table></div>"
        )


@dataclass
class SearchResult:
    """One search hit: the item, a score in [0, 1] and why it matched."""

    item: LibraryItem
    score: float
    reasons: list[str] = field(default_factory=list)

    def to_dict(self, *, include_files: bool = False) -> dict:
        return {"score": round(self.score, 4), "reasons": self.reasons,
                "item": self.item.to_dict(include_files=include_files)}


@dataclass
class ReuseDecision:
    """Whether generation should adapt a library item for a section or write new code."""

    item: LibraryItem | None
    score: float
    decision: str  # "reuse" | "generate"
    reasons: list[str] = field(default_factory=list)
    kind: str = ""
    query: str = ""
    threshold: float = 0.0

    @property
    def est_tokens_saved(self) -> int:
        """Output tokens the strong model does not have to write when the item is reused."""
        return self.item.est_tokens if (self.decision == "reuse" and self.item is not None) else 0

    @property
    def reuse(self) -> bool:
        return self.decision == "reuse"

    def to_dict(self) -> dict:
        return {
            "kind": self.kind,
            "query": self.query,
            "item_id": self.item.id if self.item else None,
            "score": round(self.score, 4),
            "decision": self.decision,
            "threshold": self.threshold,
            "est_tokens_saved": self.est_tokens_saved,
            "reasons": self.reasons,
        }


def _html_table(records: list[dict], caption: str) -> str:
    if not records:
        return f"<p><i>{html.escape(caption)}: nothing</i></p>"
    head = "".join(f"<th>{html.escape(str(k))}</th>" for k in records[0])
    body = "".join(
        "<tr>" + "".join(f"<td style='text-align:left'>{html.escape(str(v))}</td>" for v in r.values()) + "</tr>"
        for r in records
    )
    return f"<table><caption>{html.escape(caption)}</caption><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


class ItemList(list):
    """A list of :class:`LibraryItem` that shows as a table in a notebook (and has ``.df()``)."""

    def records(self) -> list[dict]:
        return [item.summary() for item in self]

    def df(self):
        import pandas as pd

        return pd.DataFrame(self.records(), columns=list(LibraryItem("", "", "", "", [], {}, {}).summary()))

    def _repr_html_(self) -> str:
        return _html_table(self.records(), f"{len(self)} library item(s)")


class ResultList(list):
    """Ranked :class:`SearchResult` entries that show as a table in a notebook (and have ``.df()``)."""

    query: str = ""

    def records(self) -> list[dict]:
        return [
            {"rank": i + 1, "score": round(r.score, 3), "id": r.item.id, "name": r.item.name, "kind": r.item.kind,
             "why": "; ".join(r.reasons), "usage_count": r.item.usage_count,
             "quality_score": round(r.item.quality_score, 3)}
            for i, r in enumerate(self)
        ]

    def df(self):
        import pandas as pd

        columns = ["rank", "score", "id", "name", "kind", "why", "usage_count", "quality_score"]
        return pd.DataFrame(self.records(), columns=columns)

    def _repr_html_(self) -> str:
        return _html_table(self.records(), f"{len(self)} result(s) for {self.query!r}")
