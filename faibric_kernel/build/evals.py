"""``faibric eval``: run a prompt set through real builds with one or more variants, score each site, compare.

An eval set is a JSON (or YAML) file: ``{"name": ..., "cases": [{"name", "prompt",
"expected_kind", "language", "must": [...], "must_not": [...]}]}``; the
repository ships ``faibric_kernel/data/eval/sites.json``. Each case is built
(a real :func:`run_build`, no deploy) once per variant, and scored out of 100:

* builds (40): the build ended ``ready``;
* bundles (15): validation and the esbuild bundle passed (only when previews
  are on and the toolchain exists; otherwise not counted);
* renders (15): with ``browser=True``, the preview opened in Chromium at 375 px
  with no console errors, no overflow and no serious axe violations (not
  counted otherwise);
* fit (30): the brief's kind is the expected one (10), every ``must`` word is in
  the site's source (10, pro rata), no ``must_not`` word is (10).

Weight (bytes of the project), cost and time are reported, not scored. Per
variant the table has the mean score and rates; a variant is **flagged** when a
build failed, when it scores more than :data:`FLAG_POINTS` below the best
variant of the run, or more than that below its own last stored run of the same
set. Runs are stored in ``$FAIBRIC_HOME/evals/<run id>.json``. Eval builds run as the ``eval`` tenant, which
the experiment analytics leave out.
``language`` is recorded with each case; it is not scored.
"""

from __future__ import annotations

import json
import re
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path

from .. import config
from ..errors import ConfigError, FaibricError, InvalidInputError
from ..generation.variants import get_variant

__all__ = ["FLAG_POINTS", "load_eval_set", "run_eval", "shipped_eval_set", "stored_runs"]

FLAG_POINTS = 5.0
CASE_FIELDS = {"name", "prompt", "expected_kind", "language", "must", "must_not"}


def shipped_eval_set() -> Path:
    return Path(__file__).resolve().parent.parent / "data" / "eval" / "sites.json"


def load_eval_set(path: str | Path | None = None) -> dict:
    """The eval set at ``path`` (the shipped one when None), checked."""
    path = Path(path) if path else shipped_eval_set()
    try:
        text = path.read_text(encoding="utf-8")
        if path.suffix in (".yaml", ".yml"):
            import yaml

            data = yaml.safe_load(text)
        else:
            data = json.loads(text)
    except FileNotFoundError:
        raise InvalidInputError(f"the eval set {path} does not exist") from None
    except (ValueError, ImportError) as exc:
        raise InvalidInputError(f"the eval set {path} cannot be read ({exc})") from None
    cases = data.get("cases") if isinstance(data, dict) else None
    if not cases:
        raise InvalidInputError(f"the eval set {path} needs a list of cases: {{\"cases\": [{{\"prompt\": ...}}]}}")
    for index, case in enumerate(cases):
        if not isinstance(case, dict) or not str(case.get("prompt") or "").strip():
            raise InvalidInputError(f"case {index + 1} of {path} needs a prompt")
        unknown = set(case) - CASE_FIELDS
        if unknown:
            raise InvalidInputError(f"case {index + 1} of {path} has unknown field(s) {', '.join(sorted(unknown))}; "
                                    f"fields: {', '.join(sorted(CASE_FIELDS))}")
        case.setdefault("name", f"case-{index + 1}")
        case.setdefault("must", [])
        case.setdefault("must_not", [])
    return {"name": data.get("name") or path.stem, "path": str(path), "cases": cases}


_DATA_URL = re.compile(r"data:[\w/+.-]+;base64,[A-Za-z0-9+/=]+")


def _site_text(files: dict[str, str]) -> str:
    """The site's source as lower-case text, without embedded fonts and images (base64 can spell any word)."""
    source = "\n".join(c for p, c in files.items() if p.startswith("src/") or p == "index.html")
    return _DATA_URL.sub("data:", source).lower()


def _score_case(case: dict, variant: str, provider, *, preview: bool, browser: bool) -> dict:
    from ..analytics.experiments import EVAL_TENANT
    from ..generation.pipeline import preview_available
    from ..projects import get_version, project_for_session
    from ..sessions import create_session
    from .run import run_build

    row = {"variant": variant, "case": case["name"], "language": case.get("language"), "status": None,
           "error": None, "built": False, "bundled": None, "rendered": None, "kind": None, "kind_ok": False,
           "must_missing": list(case["must"]), "must_not_found": [], "weight_bytes": 0, "cost_usd": 0.0,
           "seconds": 0.0, "score": 0.0}
    session = create_session(case["prompt"], tenant_id=EVAL_TENANT, variant=variant, properties={"source": "eval"})
    started = time.perf_counter()
    try:
        result = run_build(session.session_id, provider=provider, deploy_target="none", preview=preview)
    except FaibricError as exc:
        row.update(status="error", error=f"{type(exc).__name__}: {exc.message}"[:300],
                   cost_usd=float(exc.details.get("cost_usd") or 0.0), seconds=round(time.perf_counter() - started, 3))
        return row
    files = get_version(project_for_session(session.session_id).project_id).files
    text = _site_text(files)
    row.update(status=result.status, built=result.status in ("ready", "deployed"), cost_usd=result.cost_usd,
               seconds=result.seconds, weight_bytes=sum(len(c.encode()) for c in files.values()),
               kind=(result.brief or {}).get("kind"))
    row["kind_ok"] = not case.get("expected_kind") or row["kind"] == case["expected_kind"]
    row["must_missing"] = [w for w in case["must"] if w.lower() not in text]
    row["must_not_found"] = [w for w in case["must_not"] if w.lower() in text]
    if preview and preview_available():
        row["bundled"] = bool(result.preview_path)  # a preview exists only when the bundle passed
    if browser and result.preview_path:
        from ..preview import check_site

        check = check_site(Path(result.preview_path).read_text(encoding="utf-8"))
        row.update(rendered=check.ok, console_errors=len(check.console_errors) + len(check.page_errors),
                   overflow_px=check.overflow_px, axe_violations=len(check.violations))
    row["score"] = _score(row, case)
    return row


def _score(row: dict, case: dict) -> float:
    if not row["built"]:
        return 0.0
    points, possible = 40.0, 40.0
    for key in ("bundled", "rendered"):
        if row[key] is not None:
            possible += 15
            points += 15 if row[key] else 0
    possible += 30
    points += 10 if row["kind_ok"] else 0
    must = case["must"]
    points += 10 * (1 - len(row["must_missing"]) / len(must)) if must else 10
    points += 0 if row["must_not_found"] else 10
    return round(100 * points / possible, 1)


def stored_runs(set_name: str | None = None) -> list[dict]:
    """Stored eval runs, newest first (of one eval set when named)."""
    folder = config.workspace(create=False) / "evals"
    runs = []
    for path in folder.glob("*.json") if folder.is_dir() else []:
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except ValueError:
            continue
        if set_name is None or data.get("set") == set_name:
            runs.append(data)
    return sorted(runs, key=lambda r: r.get("created_at") or "", reverse=True)


def _table(rows: list[dict], variants: list[str], previous: dict[str, float]) -> list[dict]:
    table = []
    for name in variants:
        mine = [r for r in rows if r["variant"] == name]
        n = len(mine)
        bundled = [r["bundled"] for r in mine if r["bundled"] is not None]
        rendered = [r["rendered"] for r in mine if r["rendered"] is not None]
        table.append({
            "variant": name, "cases": n, "score": round(sum(r["score"] for r in mine) / n, 1) if n else 0.0,
            "built": sum(r["built"] for r in mine), "bundled": sum(bundled) if bundled else None,
            "rendered": sum(rendered) if rendered else None,
            "kind_ok": sum(r["kind_ok"] for r in mine),
            "must_missing": sum(len(r["must_missing"]) for r in mine),
            "must_not_found": sum(len(r["must_not_found"]) for r in mine),
            "cost_usd": round(sum(r["cost_usd"] for r in mine), 6),
            "mean_seconds": round(sum(r["seconds"] for r in mine) / n, 3) if n else 0.0,
            "mean_weight_bytes": round(sum(r["weight_bytes"] for r in mine) / n) if n else 0,
            "previous_score": previous.get(name), "flagged": False, "reasons": [],
        })
    best = max((t["score"] for t in table), default=0.0)
    for t in table:
        if t["built"] < t["cases"]:
            t["reasons"].append(f"{t['cases'] - t['built']} of {t['cases']} builds failed")
        if best - t["score"] > FLAG_POINTS:
            t["reasons"].append(f"scores {best - t['score']:.1f} points below the best variant")
        if t["previous_score"] is not None and t["previous_score"] - t["score"] > FLAG_POINTS:
            t["reasons"].append(f"down {t['previous_score'] - t['score']:.1f} points from its last run")
        t["flagged"] = bool(t["reasons"])
    return table


def run_eval(variants: list[str], *, eval_set: str | Path | None = None, provider=None, preview: bool = True,
             browser: bool = False, store: bool = True, on_case=None) -> dict:
    """Build every case with every variant, score the sites, compare the variants (see the module docstring)."""
    from ..providers import get_provider

    if not variants:
        raise InvalidInputError("name at least one variant to evaluate (faibric variants list)")
    for name in variants:
        get_variant(name)  # an unknown variant is refused before anything is built
    data = load_eval_set(eval_set)
    provider_obj = provider if provider is not None and not isinstance(provider, str) else get_provider(provider)
    if browser and not preview:
        raise ConfigError("checking the rendered page needs the preview bundle; drop --no-preview")
    previous: dict[str, float] = {}
    for run in stored_runs(data["name"]):
        for entry in run.get("table", []):
            previous.setdefault(entry["variant"], entry["score"])
    rows = []
    for case in data["cases"]:
        for name in variants:
            row = _score_case(case, name, provider_obj, preview=preview, browser=browser)
            rows.append(row)
            if on_case is not None:
                on_case(row)
    result = {"run_id": uuid.uuid4().hex[:12], "created_at": datetime.now(UTC).isoformat(timespec="seconds"),
              "set": data["name"], "set_path": data["path"], "provider": provider_obj.name, "variants": variants,
              "preview": preview, "browser": browser, "results": rows,
              "table": _table(rows, variants, previous)}
    if store:
        folder = config.workspace() / "evals"
        folder.mkdir(parents=True, exist_ok=True)
        (folder / f"{result['run_id']}.json").write_text(json.dumps(result, indent=1, default=str), encoding="utf-8")
    return result
