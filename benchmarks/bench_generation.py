"""Generation speed and cost figures (printed, never asserted).

1. Offline prompt-to-validated-files time: the real pipeline stages of a build
   (classify, library reuse decisions, generation by the offline provider,
   parsing, file safety, cheap fixes, validation), without the bundle, the
   version write or a deploy. Target <= 300 ms.
2. Parse + validate of a 30-file project (the answer text of a site padded to
   30 files). Target <= 200 ms.
3. Cost of 10 consecutive builds (ten different prompts) through the fake
   Anthropic Messages API, summed from the ``api_calls`` rows the builds
   recorded (usage computed by the fake from what was sent and received;
   cost from the price table), in two configurations:
   Faibric (cheap model for classifying and for the copy and page built on
   reused components, the strong model only for new components, prompt
   caching, library reuse) and the baseline (one strong-model call writes
   the whole site, the cheap model unused, no caching, no reuse). Target
   ratio <= 1/3.

4. The prompt set (``tests/prompt_set.json``: 66 everyday prompts in five
   languages): the share of sites that fit (kind, name, language, must and
   must-not words, judged on the visible text by
   ``faibric_kernel.providers.offline.fit``), per criterion, and the offline
   build time per prompt (prompt to validated files). Targets: 100% name and
   language, >= 95% kind, no banned word; <= 300 ms.

Run: /work/venv/bin/python benchmarks/bench_generation.py
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

PROMPTS = [
    "A landing page for Doce Vida, a bakery in Lisbon, with a menu and a contact form",
    "Portfolio site for Ana Ribeiro, a freelance illustrator, minimal black and white",
    "A SaaS landing page for Flowbase, a project management tool for small teams, with pricing and FAQ",
    "Website for my yoga studio in Brighton with class schedule and pricing",
    'An online shop selling handmade ceramics called "Clay & Kiln"',
    "A blog about slow travel and food",
    "Website for TechConf Berlin 2027, a developer conference with speakers, agenda and tickets",
    "A site for a dental clinic in Austin with appointment booking",
    "A wedding website for Maria and João with RSVP and the day schedule",
    "Plumber in Manchester, 24/7 emergency service, reviews and a quote form",
]


def fresh_home(label: str) -> Path:
    home = Path(tempfile.mkdtemp(prefix=f"faibric-bench-{label}-"))
    os.environ["FAIBRIC_HOME"] = str(home)
    for name in ("ANTHROPIC_API_KEY", "ANTHROPIC_BASE_URL", "FAIBRIC_REUSE", "FAIBRIC_PROMPT_CACHE",
                 "FAIBRIC_CHEAP_MODEL", "FAIBRIC_STRONG_MODEL", "FAIBRIC_SPLIT_GENERATION"):
        os.environ.pop(name, None)
    return home


def bench_offline_pipeline() -> dict:
    from faibric_kernel.build import BuildRun
    from faibric_kernel.build.generate import generate_project
    from faibric_kernel.providers.offline import OfflineProvider
    from faibric_kernel.sessions import create_session

    fresh_home("offline")
    session = create_session(PROMPTS[0])
    provider = OfflineProvider()

    def once(prompt: str) -> float:
        run = BuildRun(session, provider, None, None, None, None)
        run.bundle = False
        started = time.perf_counter()
        files, info = generate_project(run, prompt)
        elapsed = time.perf_counter() - started
        assert info["report"].ok, info["report"].summary()
        return elapsed

    cold = once(PROMPTS[0])  # first call: imports, library seeding, tree-sitter grammar
    warm = [once(p) for _ in range(3) for p in PROMPTS]
    return {"cold_ms": cold * 1000, "median_ms": statistics.median(warm) * 1000,
            "p90_ms": sorted(warm)[int(len(warm) * 0.9) - 1] * 1000, "runs": len(warm)}


def thirty_file_answer() -> str:
    from faibric_kernel.generation.brief import analyse_prompt
    from faibric_kernel.generation.components import component_files
    from faibric_kernel.generation.scaffold import scaffold_files
    from faibric_kernel.library.themes import theme_css
    from faibric_kernel.providers.offline.compose import compose_site

    brief = analyse_prompt(PROMPTS[2])
    files = {**scaffold_files(brief.business_name), "src/theme.css": theme_css(brief.theme),
             **compose_site(brief, []).files}
    for section in ("menu", "gallery", "team", "schedule", "product-grid", "blog-list", "map", "booking-form",
                    "newsletter", "stats", "about"):
        if len(files) >= 30:
            break
        files.update(component_files(section)[1])
    files = dict(list(files.items())[:30])
    return "\n".join(f'<file path="{p}">\n{c}</file>' for p, c in files.items()), len(files)


def bench_parse_validate() -> dict:
    from faibric_kernel.generation.parsing import parse_files
    from faibric_kernel.generation.safety import screen_files
    from faibric_kernel.generation.validation import apply_cheap_fixes, validate_files

    text, count = thirty_file_answer()
    times = []
    for _ in range(21):
        started = time.perf_counter()
        parsed = parse_files(text)
        safe, _ = screen_files(parsed.files)
        fixed, _ = apply_cheap_fixes(safe)
        report = validate_files(fixed)
        times.append(time.perf_counter() - started)
    return {"files": count, "bytes": len(text.encode()), "median_ms": statistics.median(times[1:]) * 1000,
            "first_ms": times[0] * 1000, "errors": len(report.errors)}


def _cost_of_builds(label: str, env: dict) -> dict:
    from fakes.anthropic_fake import FakeMessagesAPI

    from faibric_kernel.build import run_build
    from faibric_kernel.providers.anthropic import AnthropicProvider
    from faibric_kernel.sessions import create_session
    from faibric_kernel.store import read_connection

    fresh_home(label)
    os.environ.update(env)
    api = FakeMessagesAPI()  # one fake for the ten builds, so its prompt cache lives across them (5-minute TTL)
    provider = AnthropicProvider(client=api.client(), sleep=lambda s: None)
    sessions = []
    for prompt in PROMPTS:
        session = create_session(prompt)
        run_build(session.session_id, provider=provider, deploy_target="none", preview=False)
        sessions.append(session.session_id)
    marks = ",".join("?" for _ in sessions)
    with read_connection() as con:
        rows = con.execute(
            f"SELECT purpose, model, sum(cost_usd), sum(input_tokens), sum(output_tokens), "
            f"sum(cache_creation_input_tokens), sum(cache_read_input_tokens), count(*), "
            f"count(*) FILTER (WHERE cost_usd IS NULL) FROM api_calls WHERE session_id IN ({marks}) "
            f"GROUP BY 1, 2 ORDER BY 1, 2", sessions).fetchall()
    for name in env:
        os.environ.pop(name, None)
    total = sum(r[2] or 0 for r in rows)
    return {"label": label, "total_usd": total, "rows": rows, "unpriced": sum(r[8] for r in rows)}


def bench_cost() -> tuple[dict, dict]:
    faibric = _cost_of_builds("faibric", {})
    # the baseline is the naive pipeline: one strong-model call writes the whole site, nothing cached or reused
    baseline = _cost_of_builds("baseline", {"FAIBRIC_CHEAP_MODEL": "claude-sonnet-4-6", "FAIBRIC_PROMPT_CACHE": "0",
                                            "FAIBRIC_REUSE": "0", "FAIBRIC_SPLIT_GENERATION": "0"})
    return faibric, baseline


def bench_prompt_set() -> dict:
    import json

    from faibric_kernel.build import BuildRun
    from faibric_kernel.build.generate import generate_project
    from faibric_kernel.providers.offline import OfflineProvider
    from faibric_kernel.providers.offline.fit import judge_site
    from faibric_kernel.sessions import create_session

    fresh_home("prompt-set")
    cases = json.loads((ROOT / "tests" / "prompt_set.json").read_text(encoding="utf-8"))["cases"]
    session = create_session(cases[0]["prompt"])
    provider = OfflineProvider()
    criteria = ("kind", "name", "language", "must", "must_not")
    passed = dict.fromkeys(criteria, 0)
    fits, times, misses = 0, [], []
    for case in cases:
        run = BuildRun(session, provider, None, None, None, None)
        run.bundle = False
        started = time.perf_counter()
        files, info = generate_project(run, case["prompt"])
        times.append(time.perf_counter() - started)
        problems = judge_site(case, info["brief"].to_dict(), files)
        for criterion in criteria:
            passed[criterion] += not problems[criterion]
        if not any(problems.values()) and info["report"].ok:
            fits += 1
        else:
            misses.append(f"{case['prompt'][:60]}: {[p for v in problems.values() for p in v]}")
    warm = times[1:]
    return {"cases": len(cases), "fits": fits, "passed": passed, "median_ms": statistics.median(warm) * 1000,
            "p90_ms": sorted(warm)[int(len(warm) * 0.9) - 1] * 1000, "max_ms": max(warm) * 1000, "misses": misses}


def main() -> None:
    prompt_set = bench_prompt_set()
    n = prompt_set["cases"]
    print(f"0. the prompt set: {prompt_set['fits']}/{n} sites fit ({prompt_set['fits'] / n:.0%})   "
          "[targets: name and language 100%, kind >= 95%, no banned word]")
    print("   " + ", ".join(f"{c} {v / n:.0%}" for c, v in prompt_set["passed"].items()))
    print(f"   offline build, prompt -> validated files: median {prompt_set['median_ms']:.0f} ms, "
          f"p90 {prompt_set['p90_ms']:.0f} ms, max {prompt_set['max_ms']:.0f} ms   [target <= 300 ms]")
    for miss in prompt_set["misses"]:
        print(f"   miss: {miss}")
    offline = bench_offline_pipeline()
    print("1. offline prompt -> validated files (classify, reuse decisions, generate, parse, safety, validate)")
    print(f"   median {offline['median_ms']:.0f} ms, p90 {offline['p90_ms']:.0f} ms over {offline['runs']} warm runs "
          f"(10 prompts x 3); first (cold) run {offline['cold_ms']:.0f} ms   [target <= 300 ms]")
    pv = bench_parse_validate()
    print(f"2. parse + validate a {pv['files']}-file project ({pv['bytes'] / 1024:.0f} KB of answer text)")
    print(f"   median {pv['median_ms']:.0f} ms (first {pv['first_ms']:.0f} ms), {pv['errors']} errors   "
          "[target <= 200 ms]")
    faibric, baseline = bench_cost()
    print("3. cost of 10 consecutive builds through the fake Messages API (from the recorded api_calls rows)")
    for result in (faibric, baseline):
        title = ("Faibric: cheap model to classify/adapt, prompt caching, library reuse" if result is faibric
                 else "baseline: one strong-model call per site, strong model only, no caching, no reuse")
        print(f"   {title}: ${result['total_usd']:.4f}" + (f" ({result['unpriced']} unpriced calls)"
                                                          if result["unpriced"] else ""))
        for purpose, model, cost, inp, out, cw, cr, n, _ in result["rows"]:
            print(f"      {purpose:<9} {model:<18} {n:>3} calls  in {inp:>7,}  out {out:>7,}  cache write {cw:>6,}  "
                  f"cache read {cr:>6,}  ${cost or 0:.4f}")
    ratio = faibric["total_usd"] / baseline["total_usd"] if baseline["total_usd"] else float("nan")
    print(f"   ratio Faibric / baseline = {ratio:.3f} (1/{1 / ratio:.1f})   [target <= 0.333]")


if __name__ == "__main__":
    main()
