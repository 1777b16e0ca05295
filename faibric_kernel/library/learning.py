"""Learning from builds: outcomes move usage and quality; successful components join the library.

* :func:`record_outcome` updates one item: ``deployed`` (used in a site that
  went live), ``changed_soon`` (the customer changed it shortly after),
  ``rolled_back`` (the version using it was rolled back) and ``feedback``
  (a 1-5 rating).
* :func:`learn_from_version` looks at a built version's components. When the
  build was deployed, a component that matches an item counts as a use of
  that item; a new one is added as a ``learned`` item with provenance
  (session, version, path). Near-duplicates are merged, not piled up. When
  that version is later rolled back, the same call with ``rolled_back``
  removes what was learned from it (unless others have used it since) and
  counts against the items it reused.

Quality is a Bayesian average: a prior of 0.5 worth four observations, then
each outcome adds evidence (deployed 1.0, changed soon 0.2, rolled back 0.0
weighted 1.5, feedback (rating-1)/4), and how the component does on live
sites (:mod:`.live`: the share of visitors who reach it, worth half an
observation per live site, at most two).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field

from ..errors import InvalidInputError
from ..store import migrations, write_connection
from . import catalog
from .catalog import bump_generation, catalog_lock, find_near_duplicate, get_item, read_items, utc_now, write_items
from .jsx import component_info, parse_problems
from .models import LibraryItem

__all__ = ["OUTCOMES", "LearnReport", "learn_from_version", "quality_from", "record_outcome"]

PRIOR_QUALITY = 0.5
PRIOR_WEIGHT = 4.0
LIVE_WEIGHT_PER_SITE = 0.5  # live reach is a softer signal than a deploy or a rollback
LIVE_WEIGHT_MAX = 2.0
# outcome -> (evidence value, evidence weight, counts as a use)
OUTCOMES: dict[str, tuple[float | None, float, bool]] = {
    "deployed": (1.0, 1.0, True),
    "changed_soon": (0.2, 1.0, False),
    "rolled_back": (0.0, 1.5, False),
    "feedback": (None, 1.0, False),
}
_COMPONENT = re.compile(r"^src/components/([A-Z][A-Za-z0-9]*)\.(jsx|js)$")


def quality_from(outcomes: dict) -> float:
    """The quality score implied by an item's outcome counters."""
    weight = PRIOR_WEIGHT + float(outcomes.get("evidence_weight", 0.0))
    total = PRIOR_QUALITY * PRIOR_WEIGHT + float(outcomes.get("evidence_sum", 0.0))
    live = outcomes.get("live") or {}
    if live.get("sites"):
        live_weight = min(float(live["sites"]) * LIVE_WEIGHT_PER_SITE, LIVE_WEIGHT_MAX)
        weight += live_weight
        total += live_weight * float(live.get("reach") or 0.0)
    return max(0.0, min(1.0, total / weight))


def _apply_outcome(outcomes: dict, outcome: str, rating: float | None) -> tuple[dict, bool]:
    if outcome not in OUTCOMES:
        raise InvalidInputError(f"unknown outcome {outcome!r}; use one of: {', '.join(OUTCOMES)}")
    value, weight, is_use = OUTCOMES[outcome]
    if outcome == "feedback":
        if rating is None or isinstance(rating, bool) or not isinstance(rating, (int, float)) or not 1 <= rating <= 5:
            raise InvalidInputError(f"feedback needs a rating from 1 to 5, not {rating!r}")
        value = (float(rating) - 1) / 4
        outcomes["feedback_count"] = outcomes.get("feedback_count", 0) + 1
        outcomes["feedback_sum"] = outcomes.get("feedback_sum", 0.0) + float(rating)
    else:
        outcomes[outcome] = outcomes.get(outcome, 0) + 1
    outcomes["evidence_weight"] = outcomes.get("evidence_weight", 0.0) + weight
    outcomes["evidence_sum"] = outcomes.get("evidence_sum", 0.0) + weight * value
    return outcomes, is_use


def _update_outcome(con, item_id: str, outcome: str, rating: float | None) -> None:
    rows = con.execute(
        "SELECT CAST(outcomes AS VARCHAR), usage_count FROM library_items WHERE id = ? AND removed_at IS NULL",
        [item_id],
    ).fetchall()
    if not rows:
        get_item(item_id)  # raises NotFoundError with suggestions
    outcomes = json.loads(rows[0][0]) if rows[0][0] else {}
    outcomes, is_use = _apply_outcome(outcomes, outcome, rating)
    con.execute(
        "UPDATE library_items SET outcomes = CAST(? AS JSON), quality_score = ?, usage_count = usage_count + ?, "
        "updated_at = ? WHERE id = ?",
        [json.dumps(outcomes), quality_from(outcomes), 1 if is_use else 0, utc_now(), item_id],
    )


def record_outcome(item_id: str, outcome: str, rating: float | None = None) -> LibraryItem:
    """Record what happened to a site using ``item_id``; returns the item with its new usage and quality."""
    if outcome not in OUTCOMES:
        raise InvalidInputError(f"unknown outcome {outcome!r}; use one of: {', '.join(OUTCOMES)}")
    catalog.ensure_seeded()
    with catalog_lock:
        with write_connection() as con:
            _update_outcome(con, item_id, outcome, rating)
        bump_generation()
    return get_item(item_id)


@dataclass
class LearnReport:
    """What learning did with each component of a version."""

    session_id: str
    version: int | str
    outcome: str
    entries: list[dict] = field(default_factory=list)

    @property
    def added(self) -> list[str]:
        return [e["item_id"] for e in self.entries if e["action"] == "added"]

    @property
    def merged(self) -> list[str]:
        return [e["item_id"] for e in self.entries if e["action"] == "merged"]

    def to_dict(self) -> dict:
        return {"session_id": self.session_id, "version": self.version, "outcome": self.outcome,
                "entries": self.entries}

    def _repr_html_(self) -> str:
        import html

        rows = "".join(
            f"<tr><td>{html.escape(e['path'])}</td><td>{e['action']}</td><td>{html.escape(str(e.get('item_id')))}"
            f"</td><td>{html.escape(e.get('reason', ''))}</td></tr>" for e in self.entries
        )
        return (f"<table><caption>learning from {html.escape(self.session_id)} v{self.version} ({self.outcome})"
                f"</caption><tr><th>file</th><th>action</th><th>item</th><th>why</th></tr>{rows}</table>")


def _learned_only_from(item: LibraryItem, session_id: str, version) -> bool:
    provenance = item.provenance or {}
    return (item.source == "learned" and item.usage_count <= 1 and not provenance.get("merged")
            and provenance.get("session_id") == session_id and str(provenance.get("version")) == str(version))


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:24] or "x"


def learn_from_version(session_id: str, version: int | str, files: dict[str, str], outcome: str = "deployed",  # noqa: C901 - each reason a component is not learned is recorded apart
                       *, tenant_id: str = "default") -> LearnReport:
    """Learn from a built version's ``src/components/*.jsx``.

    ``outcome`` is ``deployed`` (went live and was not rolled back),
    ``changed_soon``, ``rolled_back`` or ``failed``. Only deployed versions
    add items; the other outcomes count against items the version reused.
    """
    if outcome not in ("deployed", "changed_soon", "rolled_back", "failed"):
        raise InvalidInputError(
            f"unknown build outcome {outcome!r}; use deployed, changed_soon, rolled_back or failed")
    if not isinstance(files, dict):
        raise InvalidInputError(f"files must be a dict of project path -> text, not {type(files).__name__}")
    if not isinstance(session_id, str) or not session_id.strip():
        raise InvalidInputError("session_id must be a non-empty string")
    report = LearnReport(session_id=session_id, version=version, outcome=outcome)
    components = sorted((p, m.group(1)) for p in files if (m := _COMPONENT.match(p)))
    if not components:
        return report
    catalog.ensure_seeded()
    with catalog_lock:
        with write_connection() as con:
            migrations.apply(con)
            items = read_items(con)
            changed = False
            for path, name in components:
                code = files[path]
                entry = {"path": path, "action": "skipped", "item_id": None, "reason": ""}
                report.entries.append(entry)
                if not isinstance(code, str) or not code.strip():
                    entry["reason"] = "empty file"
                    continue
                if parse_problems(code):
                    entry["reason"] = f"does not parse ({parse_problems(code)[0]})"
                    continue
                twin, similarity = find_near_duplicate(code, items)
                if twin is not None:
                    entry.update(item_id=twin.id, similarity=round(similarity, 3))
                    if outcome == "deployed":
                        _update_outcome(con, twin.id, "deployed", None)
                        entry.update(action="merged", reason=f"same component as {twin.id} ({similarity:.0%} alike)")
                    elif outcome == "rolled_back" and _learned_only_from(twin, session_id, version):
                        # it was learned from this very version, which turned out not to be a success
                        con.execute("UPDATE library_items SET removed_at = ?, updated_at = ? WHERE id = ?",
                                    [utc_now(), utc_now(), twin.id])
                        entry.update(action="removed", reason=f"{twin.id} was learned from this version, "
                                                               "which was rolled back")
                    elif outcome in ("changed_soon", "rolled_back"):
                        _update_outcome(con, twin.id, outcome, None)
                        entry.update(action="outcome", reason=f"{outcome} counted against {twin.id}")
                    else:
                        entry["reason"] = "build failed; nothing learned"
                    changed = True
                    continue
                if outcome != "deployed":
                    entry["reason"] = f"only deployed builds teach new components (this one: {outcome})"
                    continue
                info = component_info(code)
                if not info.has_default_export:
                    entry["reason"] = "no default-exported component"
                    continue
                kind = catalog.infer_kind(re.sub(r"(?<=[a-z])(?=[A-Z])", " ", name))
                if kind is None:
                    entry["reason"] = "cannot tell which kind of section it is from its name"
                    continue
                item_id = f"{catalog.kebab(name)}-{_slug(session_id)}-v{_slug(str(version))}"
                css_path = re.sub(r"\.(jsx|js)$", ".css", path)
                item_files = {path: code}
                if isinstance(files.get(css_path), str):
                    item_files[css_path] = files[css_path]
                item = LibraryItem(
                    id=item_id, name=name, kind=kind,
                    description=catalog.leading_comment(code) or f"{name}: a {kind.replace('-', ' ')} section "
                                                                   f"learned from a deployed build",
                    tags=["learned", kind], files=item_files,
                    props={n: {"type": s["type"], "default": s["default"], "description": ""}
                           for n, s in info.props.items()},
                    source="learned",
                    provenance={"session_id": session_id, "version": version, "path": path, "tenant_id": tenant_id},
                )
                write_items(con, [item], keep_stats=False)
                # the deployment it came from is its first use
                _update_outcome(con, item.id, "deployed", None)
                items.append(item)
                entry.update(action="added", item_id=item.id, reason=f"new {kind} component")
                changed = True
        if changed:
            bump_generation()
    return report
