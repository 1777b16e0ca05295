"""Synthetic history for demos, dashboards and benchmarks (``faibric seed-demo``).

The history looks like a running business: customers sign up over time (more
of them lately) and some come back for more sessions; sessions fall off along
the onboarding funnel; builds reuse library components, fail validation and get
fixed, deploy or fail to; deployed sites get modifications and feedback; every
step costs API calls on several models and purposes, a few on a model with no
price; prompt variants A and B convert differently. Sessions that started near
the end are still in progress.

Everything is drawn with numpy from one seed and assembled in DuckDB, so the
same seed and end time give the same history (ids included), and a million
events take seconds. :func:`seed_demo` writes it through the spool and
``ingest()`` like any other records (ingest skips ids already stored, so
seeding twice adds nothing); :func:`build_history` leaves it in temporary
tables of any connection, which is how the benchmark fills a database directly.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

import numpy as np
import pyarrow as pa

from .analytics.prices import latest_rates
from .errors import InvalidInputError
from .store.event_types import event_names

__all__ = ["SeedReport", "build_history", "seed_demo"]

TENANTS = ["default", "acme", "globex", "initech", "umbrella"]
TENANT_WEIGHTS = [0.40, 0.25, 0.15, 0.12, 0.08]
SOURCES = ["organic", "ads", "referral", "partner"]
SOURCE_WEIGHTS = [0.45, 0.30, 0.15, 0.10]
PROMPTS = [
    "A landing page for my bakery with opening hours and a menu",
    "Portfolio site for a wedding photographer with a gallery",
    "A booking page for a yoga studio with class times",
    "Restaurant website with online reservations",
    "A simple SaaS pricing page with three tiers",
    "Personal blog with dark mode and an about page",
    "Event page for a tech meetup with speakers and a signup form",
    "Dental clinic site with services and a contact form",
    "A shop front for handmade candles",
    "Real estate listing page with filters",
    "Non-profit donation page with impact numbers",
    "Fitness coach site with testimonials and plans",
    "Landing page for a mobile app launch",
    "A wedding invitation site with RSVP",
    "Consulting firm homepage with case studies",
    "Music band page with tour dates",
]
LIBRARY_ITEMS = ["hero-banner", "pricing-table", "contact-form", "navbar", "footer", "gallery-grid",
                 "testimonials", "faq-accordion", "booking-widget", "menu-list"]
RULES = ["no-eval", "import-unresolved", "jsx-syntax", "no-inline-script", "external-fetch"]
DEPLOY_ERRORS = ["bundle failed: esbuild exited 1", "port already in use", "render build_failed", "timeout"]
MODIFICATIONS = ["make the header blue", "add a contact form", "change the font", "add a testimonials section",
                 "make it mobile friendly", "translate to Spanish", "add opening hours", "bigger logo"]
COMMENTS = ["Great result, fast!", "Pretty good but the layout needed tweaks", "Not what I asked for",
            "Loved the design", "Too slow to build", "Works on mobile, nice", "Had to fix the colours myself",
            "Perfect for my shop"]
ERROR_TYPES = ["provider_error", "overloaded", "timeout", "validation_unfixed"]
API_ERRORS = ["overloaded", "rate_limited", "timeout", "api_error"]
FIRST_NAMES = ["ana", "ben", "chloe", "dev", "eva", "finn", "gia", "hugo", "isla", "jon", "kai", "lena",
               "milo", "nora", "omar", "pia", "quinn", "rosa", "sam", "tara", "uma", "vik", "wren", "yara", "zoe"]
DOMAINS = ["example.com", "mail.test", "studio.dev", "shop.test", "agency.example"]

# event type codes used while generating; the order is the order of the CASE in _EVENTS_SQL
EVENT_TYPES = list(event_names(demo=True))
_T = {name: code for code, name in enumerate(EVENT_TYPES)}

MODELS = ["claude-haiku-4-5", "claude-sonnet-4-6", "claude-opus-4-6", "claude-experimental-0"]
PURPOSES = ["classify", "adapt", "generate", "fix", "modify", "summarize"]
_M = {name: code for code, name in enumerate(MODELS)}
_P = {name: code for code, name in enumerate(PURPOSES)}

US = 1_000_000
DAY = 86_400 * US


@dataclass
class SeedReport:
    """What ``seed-demo`` wrote."""

    sessions: int
    customers: int  # as the dashboards count them: emails, plus sessions that never gave one
    events: int
    api_calls: int
    days: int
    seed: int
    start: datetime
    end: datetime
    added: dict = field(default_factory=dict)
    seconds: float = 0.0
    customers_with_email: int = 0
    new_events: int = 0  # of this history's events, how many the store did not have yet

    def to_dict(self) -> dict:
        return {
            "sessions": self.sessions,
            "customers": self.customers,
            "events": self.events,
            "api_calls": self.api_calls,
            "days": self.days,
            "seed": self.seed,
            "start": self.start.isoformat(),
            "end": self.end.isoformat(),
            "added": self.added,
            "customers_with_email": self.customers_with_email,
            "new_events": self.new_events,
            "seconds": round(self.seconds, 3),
        }


class _Blocks:
    """Columns of generated rows, appended block by block, concatenated once."""

    def __init__(self, names):
        self.names = names
        self.parts: dict[str, list[np.ndarray]] = {n: [] for n in names}

    def add(self, n: int, **cols) -> None:
        for name in self.names:
            value = cols.get(name, 0)
            arr = np.asarray(value)
            self.parts[name].append(np.broadcast_to(arr, (n,)) if arr.ndim == 0 else arr)

    def table(self, dtypes: dict) -> pa.Table:
        return pa.table(
            {
                name: np.concatenate(self.parts[name]).astype(dtypes[name], copy=False)
                if self.parts[name]
                else np.zeros(0, dtypes[name])
                for name in self.names
            }
        )


def _lognormal(rng, median: float, sigma: float, n: int) -> np.ndarray:
    return rng.lognormal(np.log(median), sigma, n)


def _secs(x) -> np.ndarray:
    return (np.asarray(x) * US).astype(np.int64)


def _generate_arrays(rng: np.random.Generator, n_sessions: int, days: int, end_us: int):
    span = days * DAY
    start0 = end_us - span
    n_cust = max(1, min(n_sessions, int(round(n_sessions * 0.55))))

    # customers: signups skewed towards the end (growth), heavy-tailed appetite for more sessions
    signup = start0 + (rng.random(n_cust) ** 0.75 * span).astype(np.int64)
    cust_tenant = rng.choice(len(TENANTS), n_cust, p=TENANT_WEIGHTS)
    appetite = rng.pareto(1.3, n_cust) + 1.0
    counts = 1 + rng.multinomial(n_sessions - n_cust, appetite / appetite.sum())
    cust = np.repeat(np.arange(n_cust), counts)
    first = np.repeat(np.cumsum(counts) - counts, counts)
    nth = np.arange(n_sessions) - first
    gaps = rng.exponential(6.0, n_sessions) * DAY
    gaps[nth == 0] = 0
    cum = np.cumsum(gaps)
    start = signup[cust] + (cum - cum[first]).astype(np.int64)
    late = start > end_us - 60 * US
    # sessions that would fall after the end are spread between the signup and the end instead
    start[late] = signup[cust[late]] + (rng.random(late.sum()) * (end_us - 60 * US - signup[cust[late]])).astype(
        np.int64
    )

    tenant = cust_tenant[cust].copy()
    moved = rng.random(n_sessions) < 0.02  # the same customer also working in another tenant
    tenant[moved] = rng.choice(len(TENANTS), moved.sum(), p=TENANT_WEIGHTS)
    variant_b = rng.random(n_sessions) < 0.5
    source = rng.choice(len(SOURCES), n_sessions, p=SOURCE_WEIGHTS)
    prompt = rng.integers(0, len(PROMPTS), n_sessions)

    r = lambda: rng.random(n_sessions)  # noqa: E731 - a short draw helper
    returning = nth > 0
    has_email = r() < np.where(returning, 0.93, 0.74)
    verified = has_email & (r() < 0.85)
    build = verified & (r() < 0.96)
    reuse = build & (r() < 0.55)
    gen_ok = build & (r() < 0.93)
    gen_bad = build & ~gen_ok
    stopped = gen_bad & (r() < 0.35)
    gen_error = gen_bad & ~stopped
    val_failed = gen_ok & (r() < 0.18)
    fixed = val_failed & (r() < 0.85)
    unfixed = val_failed & ~fixed
    preview = gen_ok & ~unfixed
    deploy_start = preview & (r() < np.where(variant_b, 0.93, 0.86))
    deployed = deploy_start & (r() < 0.95)
    deploy_fail = deploy_start & ~deployed
    n_mod = np.where(deployed, rng.poisson(np.where(variant_b, 0.7, 0.95)), 0)
    feedback = deployed & (r() < 0.35)
    rating = np.where(
        variant_b,
        rng.choice(5, n_sessions, p=[0.05, 0.07, 0.18, 0.35, 0.35]),
        rng.choice(5, n_sessions, p=[0.08, 0.10, 0.20, 0.32, 0.30]),
    ) + 1

    t_email = start + _secs(20 + _lognormal(rng, 90, 0.8, n_sessions))
    t_link = t_email + US
    verify_delay = _lognormal(rng, 300, 1.6, n_sessions)
    very_late = r() < 0.015  # a few verify weeks later, past the funnel window
    verify_delay[very_late] += rng.uniform(10, 20, very_late.sum()) * 86_400
    t_verified = t_link + _secs(verify_delay)
    t_build = t_verified + _secs(2 + 5 * r())
    t_reuse = t_build + 3 * US
    t_gen = t_build + _secs(_lognormal(rng, 60, 0.4, n_sessions))
    t_valfail = t_gen + 2 * US
    t_fixed = t_valfail + _secs(_lognormal(rng, 40, 0.3, n_sessions))
    t_preview = np.where(val_failed, t_fixed, t_gen) + 4 * US
    t_dstart = t_preview + _secs(_lognormal(rng, 120, 1.2, n_sessions))
    t_deployed = t_dstart + _secs(30 + 60 * r())
    t_feedback = t_deployed + _secs(rng.exponential(0.8 * 86_400, n_sessions))

    ev = _Blocks(["sess", "ts", "etype", "i1", "i2", "f1"])

    def add(mask, etype, ts, **cols):
        idx = np.flatnonzero(mask)
        ev.add(len(idx), sess=idx, ts=ts[idx], etype=etype,
               **{k: (v[idx] if isinstance(v, np.ndarray) and v.shape == (n_sessions,) else v)
                  for k, v in cols.items()})

    everyone = np.ones(n_sessions, bool)
    add(everyone, _T["request_submitted"], start, i1=prompt)
    add(has_email, _T["email_provided"], t_email)
    add(has_email, _T["magic_link_sent"], t_link)
    add(verified, _T["verified"], t_verified)
    add(build, _T["build_started"], t_build)
    saved_tokens = rng.integers(800, 6000, n_sessions)
    add(reuse, _T["library_reused"], t_reuse, i1=rng.integers(0, len(LIBRARY_ITEMS), n_sessions),
        i2=saved_tokens, f1=np.round(saved_tokens * 15.0 / 1e6, 6))
    add(gen_ok, _T["generation_completed"], t_gen, i1=rng.integers(3, 14, n_sessions))
    add(val_failed, _T["validation_failed"], t_valfail, i1=rng.integers(1, 4, n_sessions),
        i2=rng.integers(0, len(RULES), n_sessions))
    add(fixed, _T["code_fixed"], t_fixed)
    add(unfixed, _T["error"], t_fixed, i1=3)
    add(preview, _T["preview_ready"], t_preview)
    add(deploy_start, _T["deploy_started"], t_dstart)
    add(deployed, _T["deployed"], t_deployed)
    add(deploy_fail, _T["deploy_failed"], t_deployed, i1=rng.integers(0, len(DEPLOY_ERRORS), n_sessions))
    add(stopped, _T["build_stopped"], t_gen)
    add(gen_error, _T["error"], t_gen, i1=rng.integers(0, 3, n_sessions))
    add(feedback, _T["feedback_submitted"], t_feedback, i1=rating, i2=rng.integers(0, len(COMMENTS), n_sessions))
    # each build's trace, when it ended: i1 = generate ms, i2 = fix ms, f1 = 0 ok / 1 stopped / 2 error
    t_trace_end = np.where(gen_bad, t_gen, np.where(unfixed, t_fixed, t_preview))
    outcome = np.where(stopped, 1.0, np.where(gen_error | unfixed, 2.0, 0.0))
    add(build, _T["build_traced"], t_trace_end, i1=(t_gen - t_build) // 1000,
        i2=np.where(val_failed, (t_fixed - t_valfail) // 1000, 0), f1=outcome)

    # modifications: the j-th request of a session comes an exponential gap after the previous one
    mod_sess = np.repeat(np.arange(n_sessions), n_mod)
    mod_first = np.repeat(np.cumsum(n_mod) - n_mod, n_mod)
    mod_nth = np.arange(len(mod_sess)) - mod_first
    mod_gap = rng.exponential(1.5 * 86_400, len(mod_sess))
    mod_cum = np.cumsum(mod_gap)
    mod_offset = mod_cum - mod_cum[mod_first] + mod_gap[mod_first]
    t_mod = t_deployed[mod_sess] + _secs(mod_offset)
    applied = rng.random(len(mod_sess)) < 0.92
    t_applied = t_mod + _secs(_lognormal(rng, 45, 0.4, len(mod_sess)))
    ev.add(len(mod_sess), sess=mod_sess, ts=t_mod, etype=_T["modification_requested"],
           i1=rng.integers(0, len(MODIFICATIONS), len(mod_sess)))
    ev.add(int(applied.sum()), sess=mod_sess[applied], ts=t_applied[applied], etype=_T["modification_applied"],
           i2=mod_nth[applied] + 2)

    # API calls
    calls = _Blocks(["sess", "ts", "model", "purpose", "inp", "out", "cw", "cr", "err", "latency"])

    def add_calls(mask, ts, model, purpose, inp, out, cached):
        idx = np.flatnonzero(mask)
        n = len(idx)
        model = model[idx] if isinstance(model, np.ndarray) else np.full(n, model)
        inp_n = _lognormal(rng, inp, 0.3, n).astype(np.int64)
        out_n = _lognormal(rng, out, 0.35, n).astype(np.int64)
        out_n = np.where(variant_b[idx] & (purpose == _P["generate"]), (out_n * 1.1).astype(np.int64), out_n)
        cw = np.zeros(n, np.int64)
        cr = np.zeros(n, np.int64)
        if cached:
            hit = rng.random(n) < 0.85
            cr[hit] = 18_000
            cw[~hit] = 18_000
        calls.add(n, sess=idx, ts=ts[idx], model=model, purpose=purpose, inp=inp_n, out=out_n, cw=cw, cr=cr,
                  err=0, latency=out_n / 70.0 * 1000 + rng.uniform(200, 900, n))

    gen_model = np.where(r() < 0.15, _M["claude-opus-4-6"], _M["claude-sonnet-4-6"])
    gen_model[r() < 0.006] = _M["claude-experimental-0"]
    add_calls(everyone, start + US, _M["claude-haiku-4-5"], _P["classify"], 700, 40, False)
    add_calls(reuse, t_reuse + US, _M["claude-haiku-4-5"], _P["adapt"], 2500, 1500, False)
    add_calls(build, t_build + 4 * US, gen_model, _P["generate"], 5000, 9000, True)
    add_calls(val_failed, t_valfail + 3 * US, _M["claude-sonnet-4-6"], _P["fix"], 9000, 3000, True)
    add_calls(deployed, t_deployed + 5 * US, _M["claude-haiku-4-5"], _P["summarize"], 3000, 300, False)
    calls_table = calls.table(
        {"sess": np.int32, "ts": np.int64, "model": np.int8, "purpose": np.int8, "inp": np.int64,
         "out": np.int64, "cw": np.int64, "cr": np.int64, "err": np.int8, "latency": np.float64}
    )
    mod_calls = _Blocks(["sess", "ts", "model", "purpose", "inp", "out", "cw", "cr", "err", "latency"])
    nm = len(mod_sess)
    mod_out = _lognormal(rng, 2500, 0.35, nm).astype(np.int64)
    mod_calls.add(nm, sess=mod_sess, ts=t_mod + 2 * US, model=_M["claude-sonnet-4-6"], purpose=_P["modify"],
                  inp=_lognormal(rng, 12000, 0.3, nm).astype(np.int64), out=mod_out, cw=0,
                  cr=18_000, err=0, latency=mod_out / 70.0 * 1000 + 400)
    calls_table = pa.concat_tables([calls_table, mod_calls.table(dict(zip(calls_table.column_names,
                                   [np.int32, np.int64, np.int8, np.int8, np.int64, np.int64, np.int64, np.int64,
                                    np.int8, np.float64], strict=True)))])

    # failed generations failed at the provider; plus a sprinkle of transient errors everywhere
    n_calls = calls_table.num_rows
    err = np.zeros(n_calls, np.int8)
    sess_of_call = calls_table.column("sess").to_numpy()
    purpose_of_call = calls_table.column("purpose").to_numpy()
    failed_gen = (purpose_of_call == _P["generate"]) & gen_error[sess_of_call]
    err[failed_gen] = 1 + rng.integers(0, len(API_ERRORS), failed_gen.sum())
    transient = rng.random(n_calls) < 0.02
    err[transient] = 1 + rng.integers(0, len(API_ERRORS), transient.sum())
    calls_table = calls_table.set_column(calls_table.column_names.index("err"), "err", pa.array(err))

    sessions = pa.table(
        {
            "sess": np.arange(n_sessions, dtype=np.int32),
            "cust": cust.astype(np.int32),
            "tenant": tenant.astype(np.int8),
            "variant_b": variant_b,
            "source": source.astype(np.int8),
            "prompt": prompt.astype(np.int16),
            "has_email": has_email,
        }
    )
    return sessions, ev.table({"sess": np.int32, "ts": np.int64, "etype": np.int8, "i1": np.int32,
                               "i2": np.int32, "f1": np.float64}), calls_table, n_cust


def _sql_list(values) -> str:
    return "[" + ", ".join("'" + v.replace("'", "''") + "'" for v in values) + "]"


def _uuid_sql(a: str, b: str) -> str:
    """A version-4 UUID text from two random BIGINT columns."""
    return (
        f"printf('%08x-%04x-4%03x-%04x-%012x', ({a} >> 32) & 4294967295, ({a} >> 16) & 65535, {a} & 4095, "
        f"(({b} >> 48) & 16383) | 32768, {b} & 281474976710655)"
    )


def build_history(con, *, sessions: int, days: int, seed: int, end: datetime) -> dict:
    """Generate a history into temporary tables ``demo_events``, ``demo_api_calls``, ``demo_sessions``.

    ``demo_events`` and ``demo_api_calls`` are spool-shaped (ids as text, ``ts``
    as UTC microseconds, ``properties`` as JSON text); ``demo_sessions`` has the
    columns of the ``sessions`` table. Nothing later than ``end`` is generated.
    """
    if sessions < 1:
        raise InvalidInputError("--sessions must be at least 1")
    if days < 1:
        raise InvalidInputError("--days must be at least 1")
    if end.tzinfo is not None:
        end = end.astimezone(UTC).replace(tzinfo=None)
    end_us = int((end - datetime(1970, 1, 1)).total_seconds() * US)
    rng = np.random.default_rng(seed)
    sess, ev, calls, n_cust = _generate_arrays(rng, sessions, days, end_us)
    ids = np.random.default_rng([seed, 1])
    ev = ev.append_column("ia", pa.array(ids.integers(0, 2**63 - 1, ev.num_rows, dtype=np.int64)))
    ev = ev.append_column("ib", pa.array(ids.integers(0, 2**63 - 1, ev.num_rows, dtype=np.int64)))
    calls = calls.append_column("ia", pa.array(ids.integers(0, 2**63 - 1, calls.num_rows, dtype=np.int64)))
    calls = calls.append_column("ib", pa.array(ids.integers(0, 2**63 - 1, calls.num_rows, dtype=np.int64)))
    sess = sess.append_column("ia", pa.array(ids.integers(0, 2**63 - 1, sess.num_rows, dtype=np.int64)))
    sess = sess.append_column("ib", pa.array(ids.integers(0, 2**63 - 1, sess.num_rows, dtype=np.int64)))

    con.register("_gen_sess", sess)
    con.register("_gen_ev", ev)
    con.register("_gen_calls", calls)
    try:
        con.execute(
            f"""
            CREATE OR REPLACE TEMP TABLE _demo_sess AS
            SELECT sess, {_uuid_sql('ia', 'ib')} AS session_id,
                   ({_sql_list(TENANTS)})[tenant + 1] AS tenant_id,
                   CASE WHEN has_email THEN
                       ({_sql_list(FIRST_NAMES)})[cust % {len(FIRST_NAMES)} + 1] || '.' || cust || '@'
                       || ({_sql_list(DOMAINS)})[cust % {len(DOMAINS)} + 1] END AS email,
                   CASE WHEN variant_b THEN 'B' ELSE 'A' END AS variant,
                   ({_sql_list(SOURCES)})[source + 1] AS source,
                   ({_sql_list(PROMPTS)})[prompt + 1] AS prompt
            FROM _gen_sess
            """
        )
        props = {
            "request_submitted": f"json_object('prompt', ({_sql_list(PROMPTS)})[e.i1 + 1], 'variant', s.variant, "
            "'source', s.source)",
            "email_provided": "json_object('email', s.email)",
            "magic_link_sent": "json_object('email', s.email)",
            "verified": "json_object()",
            "build_started": "json_object('variant', s.variant, 'provider', 'anthropic')",
            "library_reused": f"json_object('item_id', 'lib-' || e.i1, 'item_name', ({_sql_list(LIBRARY_ITEMS)})"
            "[e.i1 + 1], 'est_tokens_saved', e.i2, 'est_cost_saved', e.f1)",
            "generation_completed": "json_object('files', e.i1)",
            "validation_failed": f"json_object('errors', e.i1, 'rule', ({_sql_list(RULES)})[e.i2 + 1])",
            "code_fixed": "json_object('attempt', 1)",
            "preview_ready": "json_object()",
            "deploy_started": "json_object('target', 'local')",
            "deployed": "json_object('target', 'local', 'url', 'https://' || substr(s.session_id, 1, 8) "
            "|| '.sites.faibric.dev')",
            "deploy_failed": f"json_object('target', 'local', 'error', ({_sql_list(DEPLOY_ERRORS)})[e.i1 + 1])",
            "modification_requested": f"json_object('request', ({_sql_list(MODIFICATIONS)})[e.i1 + 1])",
            "modification_applied": "json_object('version', e.i2)",
            "build_stopped": "json_object('reason', 'stopped by the customer')",
            "error": f"json_object('error_type', ({_sql_list(ERROR_TYPES)})[e.i1 + 1], "
            "'message', 'the build failed')",
            "feedback_submitted": f"json_object('rating', e.i1, 'comment', ({_sql_list(COMMENTS)})[e.i2 + 1])",
            # the spans a real build records; the fixed stages take what they take on this machine
            "build_traced": "json_object('trace_id', md5(s.session_id || 'trace'), 'kind', 'build', "
            "'variant', s.variant, 'outcome', ['ready', 'stopped', 'error'][CAST(e.f1 AS INTEGER) + 1], "
            "'seconds', round(0.6 + e.i1 / 1000 + 0.3 + e.i2 / 1000 + CASE WHEN e.f1 = 0 THEN 3.5 ELSE 0 END, 3), "
            "'spans', list_filter([json_object('name', 'classify', 'seconds', 0.4), json_object('name', 'library', 'seconds', 0.2), "
            "json_object('name', 'generate', 'seconds', e.i1 / 1000), json_object('name', 'validate', 'seconds', 0.3), "
            "json_object('name', 'fix', 'seconds', e.i2 / 1000), "
            "json_object('name', 'bundle', 'seconds', CASE WHEN e.f1 = 0 THEN 3.5 ELSE 0 END)], "
            "lambda x: CAST(x ->> 'seconds' AS DOUBLE) > 0))",
        }
        cases = " ".join(f"WHEN {_T[name]} THEN {expr}" for name, expr in props.items())
        con.execute(
            f"""
            CREATE OR REPLACE TEMP TABLE demo_events AS
            SELECT {_uuid_sql('e.ia', 'e.ib')} AS event_id, e.ts AS ts, s.tenant_id, s.session_id,
                   CASE WHEN e.etype = 0 THEN NULL ELSE s.email END AS actor,
                   ({_sql_list(EVENT_TYPES)})[e.etype + 1] AS event_type,
                   CAST(CASE e.etype {cases} END AS VARCHAR) AS properties
            FROM _gen_ev AS e JOIN _demo_sess AS s USING (sess)
            WHERE e.ts <= {end_us}
            ORDER BY e.ts
            """
        )
        # synthetic history is priced with the newest rates of each model (older tables lack newer models)
        priced = [latest_rates(m) for m in MODELS]
        prices = [rates for rates, _ in priced]
        versions_sql = "[" + ", ".join("NULL" if v is None else f"'{v}'" for _, v in priced) + "]"

        def rate(attr):
            return "[" + ", ".join("NULL" if p is None else repr(float(p[attr])) for p in prices) + "]"

        con.execute(
            f"""
            CREATE OR REPLACE TEMP TABLE demo_api_calls AS
            WITH c AS (
                SELECT c.*, s.tenant_id, s.session_id, s.variant,
                       CASE WHEN c.err > 0 THEN 0 ELSE c.out END AS out_tokens
                FROM _gen_calls AS c JOIN _demo_sess AS s USING (sess)
                WHERE c.ts <= {end_us}
            )
            SELECT {_uuid_sql('ia', 'ib')} AS call_id, ts, tenant_id, session_id, 'anthropic' AS provider,
                   ({_sql_list(MODELS)})[model + 1] AS model, ({_sql_list(PURPOSES)})[purpose + 1] AS purpose,
                   inp AS input_tokens, out_tokens AS output_tokens, cw AS cache_creation_input_tokens,
                   cr AS cache_read_input_tokens,
                   (inp * ({rate('input')})[model + 1] + cw * ({rate('cache_write_5m')})[model + 1]
                    + cr * ({rate('cache_read')})[model + 1] + out_tokens * ({rate('output')})[model + 1]) / 1e6
                       AS cost_usd,
                   CASE WHEN ({rate('input')})[model + 1] IS NULL THEN NULL ELSE ({versions_sql})[model + 1] END
                       AS price_version,
                   round(CASE WHEN err > 0 THEN 300 + latency / 20 ELSE latency END, 1) AS latency_ms,
                   CASE WHEN err > 0 THEN 'error' ELSE 'ok' END AS status,
                   CASE WHEN err > 0 THEN ({_sql_list(API_ERRORS)})[err] END AS error_type,
                   CAST(CASE WHEN ({rate('input')})[model + 1] IS NULL
                        THEN json_object('variant', variant, 'unpriced', true)
                        ELSE json_object('variant', variant) END AS VARCHAR) AS properties
            FROM c
            ORDER BY ts
            """
        )
        # a trace's tokens and cost are its build's calls (classify to fix), as the real trace's are
        con.execute(
            """
            UPDATE demo_events AS e
            SET properties = CAST(json_merge_patch(e.properties, json_object(
                'calls', c.calls, 'input_tokens', c.input_tokens, 'output_tokens', c.output_tokens,
                'cost_usd', round(c.cost_usd, 6))) AS VARCHAR)
            FROM (SELECT session_id, count(*) AS calls, sum(input_tokens) AS input_tokens,
                         sum(output_tokens) AS output_tokens, coalesce(sum(cost_usd), 0) AS cost_usd
                  FROM demo_api_calls WHERE purpose IN ('classify', 'adapt', 'generate', 'fix')
                  GROUP BY 1) AS c
            WHERE e.event_type = 'build_traced' AND e.session_id = c.session_id
            """
        )
        con.execute(
            """
            CREATE OR REPLACE TEMP TABLE demo_sessions AS
            WITH agg AS (
                SELECT session_id, min(ts) AS first_us, max(ts) AS last_us,
                       bool_or(event_type = 'deployed') AS deployed,
                       bool_or(event_type = 'build_stopped') AS stopped,
                       bool_or(event_type IN ('error', 'deploy_failed')) AS failed,
                       bool_or(event_type = 'build_started') AS building,
                       bool_or(event_type = 'verified') AS verified,
                       bool_or(event_type = 'email_provided') AS emailed,
                       max(CASE WHEN event_type = 'deployed' THEN json_extract_string(properties, '$.url') END) AS url
                FROM demo_events GROUP BY session_id
            )
            SELECT s.session_id, s.tenant_id,
                   CASE WHEN a.emailed THEN s.email END AS email, s.prompt,
                   CASE WHEN a.deployed THEN 'deployed' WHEN a.stopped THEN 'stopped' WHEN a.failed THEN 'error'
                        WHEN a.building THEN 'building' WHEN a.verified THEN 'verified'
                        WHEN a.emailed THEN 'email_provided' ELSE 'request_submitted' END AS status,
                   CASE WHEN a.failed AND NOT a.deployed THEN 'the build failed' END AS status_reason,
                   'anthropic' AS provider, 'local' AS deploy_target, a.url, s.variant,
                   CAST(NULL AS VARCHAR) AS parent_session_id,
                   make_timestamp(a.first_us) AS created_at, make_timestamp(a.last_us) AS updated_at,
                   CAST(json_object('source', s.source, 'demo', true) AS JSON) AS properties
            FROM _demo_sess AS s JOIN agg AS a USING (session_id)
            """
        )
        con.execute("DROP TABLE _demo_sess")
    finally:
        for name in ("_gen_sess", "_gen_ev", "_gen_calls"):
            con.unregister(name)
    # customers as every page counts them (DESIGN.md, retention): the first email a session received, stitched
    # back to its start; a session that never got one is a customer of its own
    with_email, without_email = con.execute(
        """
        WITH per AS (
            SELECT session_id,
                   lower(trim(arg_min(CASE WHEN contains(actor, '@') THEN actor
                                           ELSE json_extract_string(properties, '$.email') END, ts)
                       FILTER (WHERE contains(actor, '@') OR event_type = 'email_provided'))) AS email
            FROM demo_events GROUP BY session_id
        )
        SELECT count(DISTINCT email) FILTER (WHERE contains(email, '@')),
               count(*) FILTER (WHERE NOT coalesce(contains(email, '@'), false))
        FROM per
        """
    ).fetchall()[0]
    counts = {
        "events": con.execute("SELECT count(*) FROM demo_events").fetchall()[0][0],
        "api_calls": con.execute("SELECT count(*) FROM demo_api_calls").fetchall()[0][0],
        "sessions": con.execute("SELECT count(*) FROM demo_sessions").fetchall()[0][0],
        "customers": int(with_email) + int(without_email),
        "customers_with_email": int(with_email),
        "people": n_cust,
    }
    return counts


def seed_demo(*, sessions: int = 2000, days: int = 90, seed: int = 42, end: datetime | None = None,
              progress=None) -> SeedReport:
    """Write a synthetic history through the spool and ingest, and fill the ``sessions`` table.

    ``end`` defaults to now, floored to the hour (UTC): the same seed and end
    give the same history, ids included.
    """
    import duckdb

    from .store import close_writers, ingest
    from .store.importer import spool_relation
    from .store.state import is_postgres

    started = time.perf_counter()
    say = progress or (lambda _msg: None)
    if end is None:
        end = datetime.now(UTC).replace(tzinfo=None, minute=0, second=0, microsecond=0)
    elif end.tzinfo is not None:
        end = end.astimezone(UTC).replace(tzinfo=None)
    scratch = duckdb.connect(":memory:")
    try:
        scratch.execute("SET TimeZone='UTC'")
        say(f"generating {sessions} sessions over {days} days (seed {seed})")
        counts = build_history(scratch, sessions=sessions, days=days, seed=seed, end=end)
        already = _events_already_stored(scratch.sql("SELECT event_id FROM demo_events").to_arrow_table())
        say(f"spooling {counts['events']} events and {counts['api_calls']} API calls")
        spool_relation(scratch, "SELECT * FROM demo_events", "events")
        spool_relation(scratch, "SELECT * FROM demo_api_calls", "api_calls")
        sessions_df = scratch.sql("SELECT * FROM demo_sessions").to_arrow_table()
    finally:
        scratch.close()
    # sealing our segments lets ingest archive them
    close_writers()
    say("ingesting")
    report = ingest()
    if is_postgres():
        _store_sessions_in_postgres(sessions_df)
    else:
        _store_sessions(sessions_df)
    return SeedReport(
        sessions=counts["sessions"],
        customers=counts["customers"],
        events=counts["events"],
        api_calls=counts["api_calls"],
        days=days,
        seed=seed,
        start=end - timedelta(days=days),
        end=end,
        added=report.added,
        seconds=time.perf_counter() - started,
        customers_with_email=counts["customers_with_email"],
        new_events=counts["events"] - already,
    )


def seed_summary(d: dict) -> str:
    """The one line ``seed-demo`` prints: what this history holds, and what the store gained from it."""
    line = (f"seeded {d['sessions']:,} sessions of {d['customers']:,} customers over {d['days']} days "
            f"({d['customers_with_email']:,} gave an email; each session without one counts as a customer of its "
            f"own, as on the dashboards): {d['events']:,} events and {d['api_calls']:,} API calls, "
            f"{d['new_events']:,} of the events new to the store")
    others = d["added"].get("events", 0) - d["new_events"]
    if others > 0:
        line += f" (ingest also stored {others:,} other event(s) that were waiting in the spool)"
    return line + f", in {d['seconds']:.1f}s"


def _events_already_stored(ids) -> int:
    """How many of these event ids the store already holds (a re-seed with the same seed and end adds none)."""
    from .store import read_connection

    with read_connection() as con:
        con.register("_demo_ids", ids)
        try:
            return int(con.execute("SELECT count(*) FROM events SEMI JOIN _demo_ids USING (event_id)").fetchall()[0][0])
        finally:
            con.unregister("_demo_ids")


def _store_sessions(sessions_df) -> None:
    from .store import write_connection

    with write_connection() as con:
        con.register("_demo_sessions", sessions_df)
        con.execute("INSERT OR REPLACE INTO sessions SELECT * FROM _demo_sessions")
        con.execute(
            "INSERT OR IGNORE INTO tenants (tenant_id, name) "
            "SELECT DISTINCT tenant_id, upper(tenant_id[1]) || tenant_id[2:] FROM _demo_sessions"
        )
        con.execute(
            "INSERT OR IGNORE INTO users (tenant_id, email, created_at) "
            "SELECT tenant_id, email, min(created_at) FROM _demo_sessions WHERE email IS NOT NULL GROUP BY ALL"
        )
        con.unregister("_demo_sessions")


def _store_sessions_in_postgres(sessions_df) -> None:
    """The seeded sessions, their tenants and users, into the state's PostgreSQL (FAIBRIC_DATABASE_URL)."""
    columns = sessions_df.column_names
    rows = [tuple(row[c] for c in columns) for row in sessions_df.to_pylist()]
    firsts: dict[tuple[str, str], object] = {}
    for row in sessions_df.select(["tenant_id", "email", "created_at"]).to_pylist():
        if row["email"] is not None:
            key = (row["tenant_id"], row["email"])
            firsts[key] = min(firsts.get(key, row["created_at"]), row["created_at"])
    from .store import state_connection

    quoted = ", ".join(f'"{c}"' for c in columns)
    updates = ", ".join(f'"{c}" = excluded."{c}"' for c in columns if c != "session_id")
    with state_connection() as con:
        con.executemany(f"INSERT INTO sessions ({quoted}) VALUES ({', '.join('?' for _ in columns)}) "
                        f"ON CONFLICT (session_id) DO UPDATE SET {updates}", rows)
        con.executemany("INSERT INTO tenants (tenant_id, name) VALUES (?, ?) ON CONFLICT DO NOTHING",
                        [(t, t[:1].upper() + t[1:]) for t in sorted({t for t, _ in firsts} |
                                                                    {r["tenant_id"] for r in sessions_df.select(
                                                                        ["tenant_id"]).to_pylist()})])
        con.executemany("INSERT INTO users (tenant_id, email, created_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING",
                        [(t, e, at) for (t, e), at in sorted(firsts.items())])
