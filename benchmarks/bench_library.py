"""Library search speed and quality.

Prints search latency p50/p99 over a 10,000-item library (lexical, and hybrid
with the deterministic hashing embedder, whose vectors live in DuckDB) and
recall@3 on the plain-language query set used by the tests, for the seed
library and for the large one. Target: lexical p50 <= 20 ms.

    python benchmarks/bench_library.py [--items 10000] [--searches 600]
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

BUSINESSES = ["bakery", "dentist", "yoga studio", "law firm", "coffee shop", "florist", "plumber", "gym",
              "hair salon", "bookshop", "architect", "wedding planner", "vet clinic", "brewery", "tattoo studio",
              "photographer", "language school", "bike repair", "tea room", "accountant", "pottery studio",
              "dog groomer", "surf school", "recording studio", "pizzeria", "escape room", "art gallery"]
STYLES = ["Minimal", "Bold", "Classic", "Playful", "Elegant", "Compact", "Wide", "Soft", "Modern", "Rustic"]


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(q / 100 * (len(ordered) - 1))))
    return ordered[index]


def synthetic_items(count: int, seed_items, rng: random.Random):
    from faibric_kernel.library import LibraryItem

    items = []
    for i in range(count):
        base = seed_items[i % len(seed_items)]
        business = rng.choice(BUSINESSES)
        style = rng.choice(STYLES)
        name = f"{style}{base.name}{i}"
        items.append(LibraryItem(
            id=f"{base.id}-{style.lower()}-{i}", name=name, kind=base.kind,
            description=f"{style} take on: {base.description} Used on a {business} site.",
            tags=[*rng.sample(base.tags, k=min(3, len(base.tags))), business], files=base.files,
            props=base.props, usage_count=rng.randint(0, 40), quality_score=round(rng.uniform(0.3, 0.9), 3),
            source="learned", provenance={"synthetic": True},
        ))
    return items


def time_searches(queries: list[str], repeats: int, **options) -> list[float]:
    from faibric_kernel import library

    timings = []
    for i in range(repeats):
        query = queries[i % len(queries)]
        started = time.perf_counter()
        library.search(query, k=10, **options)
        timings.append((time.perf_counter() - started) * 1000)
    return timings


def recall_at_3(query_set, **options) -> float:
    from faibric_kernel import library

    hits = sum(kind in [r.item.kind for r in library.search(q, k=3, **options)] for q, kind in query_set)
    return hits / len(query_set)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=10_000)
    parser.add_argument("--searches", type=int, default=600)
    parser.add_argument("--hybrid-searches", type=int, default=200)
    args = parser.parse_args()

    home = tempfile.mkdtemp(prefix="faibric-bench-library-")
    os.environ["FAIBRIC_HOME"] = home
    os.environ["FAIBRIC_EMBEDDER"] = "none"
    from test_library import HELD_OUT_QUERIES, SEARCH_QUALITY

    from faibric_kernel import library
    from faibric_kernel.library import catalog
    from faibric_kernel.store import write_connection

    queries = [q for q, _ in SEARCH_QUALITY]
    print(f"workspace {home}")
    started = time.perf_counter()
    library.ensure_seeded()
    print(f"seeded {len(library.seed_items())} items in {time.perf_counter() - started:.2f}s")
    print(f"recall@3, seed library ({len(library.seed_items())} items), {len(SEARCH_QUALITY)} queries: "
          f"lexical {recall_at_3(SEARCH_QUALITY):.3f}, hybrid(hashing) "
          f"{recall_at_3(SEARCH_QUALITY, embedder='hashing'):.3f}")

    print(f"recall@3, seed library, {len(HELD_OUT_QUERIES)} held-out queries (never tuned against): "
          f"lexical {recall_at_3(HELD_OUT_QUERIES):.3f}, hybrid(hashing) "
          f"{recall_at_3(HELD_OUT_QUERIES, embedder='hashing'):.3f}")

    extra = args.items - len(library.seed_items())
    rng = random.Random(7)
    items = synthetic_items(extra, library.seed_items(), rng)
    started = time.perf_counter()
    with write_connection() as con:
        catalog.write_items(con, items, keep_stats=False)
    catalog.bump_generation()
    print(f"bulk-loaded {extra} more items (Arrow) in {time.perf_counter() - started:.2f}s")

    started = time.perf_counter()
    library.search("warm up the index", k=10)
    print(f"built the lexical index over {args.items} items in {time.perf_counter() - started:.2f}s (once per change)")
    lexical = time_searches(queries, args.searches)
    print(f"lexical search over {args.items} items, {len(lexical)} searches: "
          f"p50 {statistics.median(lexical):.2f} ms, p99 {percentile(lexical, 99):.2f} ms (target p50 <= 20 ms)")

    embedder = library.get_embedder("hashing")
    started = time.perf_counter()
    embedded = library.ensure_embeddings(embedder)
    print(f"embedded {embedded} items with the hashing embedder into DuckDB FLOAT[] in "
          f"{time.perf_counter() - started:.2f}s")
    hybrid = time_searches(queries, args.hybrid_searches, embedder=embedder)
    print(f"hybrid search (BM25F + DuckDB array_cosine_similarity, hashing) over {args.items} items, "
          f"{len(hybrid)} searches: p50 {statistics.median(hybrid):.2f} ms, p99 {percentile(hybrid, 99):.2f} ms")
    print(f"recall@3 over {args.items} items, {len(SEARCH_QUALITY)} queries: lexical {recall_at_3(SEARCH_QUALITY):.3f}, "
          f"hybrid(hashing) {recall_at_3(SEARCH_QUALITY, embedder=embedder):.3f}; "
          f"held-out: lexical {recall_at_3(HELD_OUT_QUERIES):.3f}, "
          f"hybrid(hashing) {recall_at_3(HELD_OUT_QUERIES, embedder=embedder):.3f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
