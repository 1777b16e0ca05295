"""The library in the store: the ``library_items`` table, seeding, add/remove, and ranked search.

Items live in DuckDB (``library_items``). Every connection is short: reads go
through :func:`read_connection`, writes through :func:`write_connection`, and
no connection outlives the call. Searching keeps an in-process index that is
rebuilt when the library changes; a small marker file beside the database
(``library.generation``) tells every process that it did.

Removing an item keeps its row with ``removed_at`` set, so seeding never
brings a removed seed component back and provenance is never lost.
"""

from __future__ import annotations

import copy
import difflib
import json
import re
import threading
import uuid
from datetime import UTC, datetime
from pathlib import Path

import numpy as np

from ..errors import InvalidInputError, NotFoundError
from ..store import database_path, migrations, read_connection, write_connection
from .embedders import Embedder, get_embedder
from .jsx import code_shingles, code_similarity, component_info, require_parses
from .models import KINDS, ItemList, LibraryItem, ResultList, SearchResult, normalise_kind
from .search import LexicalIndex, QueryTerm, analyse_query, tokenize
from .seed import seed_items

__all__ = [
    "MERGE_SIMILARITY",
    "add_item",
    "bump_generation",
    "catalog_lock",
    "kebab",
    "leading_comment",
    "read_items",
    "utc_now",
    "write_items",
    "ensure_embeddings",
    "ensure_seeded",
    "find_near_duplicate",
    "get_item",
    "infer_kind",
    "item_from_path",
    "list_items",
    "remove_item",
    "search",
]

# applied by faibric_kernel.store.migrations (version 200)
MIGRATION_SQL = """
    ALTER TABLE library_items ADD COLUMN IF NOT EXISTS embedding_model VARCHAR;
    ALTER TABLE library_items ADD COLUMN IF NOT EXISTS outcomes JSON;
    ALTER TABLE library_items ADD COLUMN IF NOT EXISTS removed_at TIMESTAMP;
    """

MERGE_SIMILARITY = 0.85  # structure similarity at or above which two components are the same component
MAX_K = 1000
_ID = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
_NAME = re.compile(r"^[A-Z][A-Za-z0-9]*$")
catalog_lock = threading.RLock()
_seeded: set[str] = set()
_embedded: dict[tuple[str, str], str | None] = {}
_index_cache: dict[str, tuple[str, LexicalIndex]] = {}

_COLUMNS = ("id, name, kind, description, tags, CAST(files AS VARCHAR), CAST(props AS VARCHAR), usage_count, "
            "quality_score, source, CAST(provenance AS VARCHAR), created_at, updated_at")


def utc_now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def _db_key() -> str:
    return str(database_path())


def _marker() -> Path:
    return database_path().parent / "library.generation"


def _generation() -> str | None:
    try:
        return _marker().read_text(encoding="utf-8").strip() or None
    except OSError:
        return None


def bump_generation() -> None:
    """Tell every process (and this one) that the library changed."""
    marker = _marker()
    tmp = marker.with_suffix(f".{uuid.uuid4().hex}.tmp")
    tmp.write_text(uuid.uuid4().hex, encoding="utf-8")
    tmp.replace(marker)


def _copy(item: LibraryItem) -> LibraryItem:
    """A copy callers may change without touching the cached index."""
    return LibraryItem(**{**item.__dict__, "files": dict(item.files), "tags": list(item.tags),
                          "props": copy.deepcopy(item.props), "provenance": copy.deepcopy(item.provenance)})


def _row_to_item(row, embedding=None, *, parse_files: bool = True) -> LibraryItem:
    (id_, name, kind, description, tags, files, props, usage, quality, source, provenance, created, updated) = row[:13]
    return LibraryItem(
        id=id_, name=name, kind=kind, description=description or "", tags=list(tags or []),
        files=(json.loads(files) if files else {}) if parse_files else {}, props=json.loads(props) if props else {},
        usage_count=int(usage or 0), quality_score=float(quality if quality is not None else 0.5),
        source=source, provenance=json.loads(provenance) if provenance else None,
        created_at=created, updated_at=updated, embedding=list(embedding) if embedding is not None else None,
    )


def read_items(con, where: str = "", params: list | None = None, *, with_embedding: bool = False) -> list[LibraryItem]:
    columns = _COLUMNS + (", embedding" if with_embedding else "")
    rows = con.execute(
        f"SELECT {columns} FROM library_items WHERE removed_at IS NULL {where} ORDER BY kind, id", params or []
    ).fetchall()
    return [_row_to_item(r, r[13] if with_embedding else None) for r in rows]


def write_items(con, items: list[LibraryItem], *, keep_stats: bool, embeddings: dict | None = None,
                 embedding_model: str | None = None) -> None:
    """Insert or update ``items`` in one statement (through Arrow, not row by row)."""
    import pyarrow as pa

    if not items:
        return
    now = utc_now()
    embeddings = embeddings or {}
    table = pa.table({
        "id": [it.id for it in items],
        "name": [it.name for it in items],
        "kind": [it.kind for it in items],
        "description": [it.description for it in items],
        "tags": pa.array([list(it.tags) for it in items], type=pa.list_(pa.string())),
        "files": [json.dumps(it.files, ensure_ascii=False) for it in items],
        "props": [json.dumps(it.props or {}, ensure_ascii=False) for it in items],
        "usage_count": pa.array([int(it.usage_count) for it in items], type=pa.int32()),
        "quality_score": pa.array([float(it.quality_score) for it in items], type=pa.float64()),
        "source": [it.source for it in items],
        "provenance": [json.dumps(it.provenance) if it.provenance is not None else None for it in items],
        "created_at": pa.array([it.created_at or now for it in items], type=pa.timestamp("us")),
        "updated_at": pa.array([now for _ in items], type=pa.timestamp("us")),
        "embedding": pa.array([embeddings.get(it.id) for it in items], type=pa.list_(pa.float32())),
        "embedding_model": [embedding_model if it.id in embeddings else None for it in items],
    })
    content = ("name = excluded.name, kind = excluded.kind, description = excluded.description, "
               "tags = excluded.tags, files = excluded.files, props = excluded.props, source = excluded.source, "
               "provenance = excluded.provenance, updated_at = excluded.updated_at, embedding = excluded.embedding, "
               "embedding_model = excluded.embedding_model, removed_at = NULL")
    stats = "" if keep_stats else (", usage_count = excluded.usage_count, quality_score = excluded.quality_score, "
                                   "created_at = excluded.created_at, outcomes = NULL")
    con.register("faibric_library_rows", table)
    try:
        con.execute(
            "INSERT INTO library_items (id, name, kind, description, tags, files, props, usage_count, quality_score, "
            "source, provenance, created_at, updated_at, embedding, embedding_model) "
            "SELECT id, name, kind, description, tags, CAST(files AS JSON), CAST(props AS JSON), usage_count, "
            "quality_score, source, CAST(provenance AS JSON), created_at, updated_at, embedding, embedding_model "
            f"FROM faibric_library_rows ON CONFLICT (id) DO UPDATE SET {content}{stats}"
        )
    finally:
        con.unregister("faibric_library_rows")


def _embedding_text(item: LibraryItem) -> str:
    return f"{item.name} ({item.kind.replace('-', ' ')}): {item.description} Tags: {', '.join(item.tags)}"


def ensure_seeded(force: bool = False) -> int:
    """Load the shipped seed components into ``library_items`` when missing or changed; returns how many.

    Idempotent and cheap after the first call in a process. Usage counts and
    quality scores of seed items already in the store are kept; seed items
    that were removed stay removed.
    """
    key = _db_key()
    with catalog_lock:
        if key in _seeded and not force and Path(key).exists() and _generation() is not None:
            return 0
        with write_connection() as con:
            # the store may have been opened before this module registered its migration
            migrations.apply(con)
            existing = dict(con.execute(
                "SELECT id, json_extract_string(provenance, '$.seed_hash') FROM library_items WHERE source = 'seed'"
            ).fetchall())
            todo = [it for it in seed_items() if existing.get(it.id) != it.provenance["seed_hash"]]
            write_items(con, todo, keep_stats=True)
        if todo or _generation() is None:
            bump_generation()
        _seeded.add(key)
        return len(todo)


def ensure_embeddings(embedder: Embedder | None = None) -> int:
    """Embed every item whose vector is missing or came from another model; returns how many were embedded."""
    embedder = embedder or get_embedder()
    if embedder is None:
        return 0
    ensure_seeded()
    key = (_db_key(), embedder.name)
    generation = _generation()
    if _embedded.get(key) == generation and generation is not None:
        return 0
    with read_connection(include_spool=False) as con:
        stale = read_items(con, "AND (embedding IS NULL OR embedding_model IS DISTINCT FROM ?)", [embedder.name])
    if stale:
        vectors = embedder.embed([_embedding_text(it) for it in stale])
        import pyarrow as pa

        table = pa.table({"id": [it.id for it in stale],
                          "embedding": pa.array(vectors, type=pa.list_(pa.float32()))})
        with write_connection() as con:
            con.register("faibric_vectors", table)
            try:
                con.execute(
                    "UPDATE library_items SET embedding = v.embedding, embedding_model = ? "
                    "FROM faibric_vectors AS v WHERE library_items.id = v.id", [embedder.name]
                )
            finally:
                con.unregister("faibric_vectors")
    _embedded[key] = generation
    return len(stale)


def _index() -> LexicalIndex:
    ensure_seeded()
    key = _db_key()
    generation = _generation()
    with catalog_lock:
        cached = _index_cache.get(key)
        if cached is not None and generation is not None and cached[0] == generation:
            return cached[1]
    with read_connection(include_spool=False) as con:
        rows = con.execute(
            f"SELECT {_COLUMNS} FROM library_items WHERE removed_at IS NULL ORDER BY kind, id").fetchall()
    # files are parsed only for the items a caller gets back, which keeps large libraries quick to index
    index = LexicalIndex([_row_to_item(r, parse_files=False) for r in rows])
    index.raw_files = {r[0]: r[5] for r in rows}
    with catalog_lock:
        _index_cache[key] = (generation, index)
    return index


def _materialise(index: LexicalIndex, position: int) -> LibraryItem:
    """A caller's copy of the indexed item at ``position``, with its files."""
    item = _copy(index.items[position])
    raw = getattr(index, "raw_files", {}).get(item.id)
    if raw:
        item.files = json.loads(raw)
    return item


def list_items(kind: str | None = None) -> ItemList:
    """Every active item (optionally of one kind), ordered by kind and id."""
    index = _index()
    kind = normalise_kind(kind, index.kind_set)
    return ItemList(_materialise(index, i) for i, it in enumerate(index.items) if kind is None or it.kind == kind)


def get_item(item_id: str) -> LibraryItem:
    """The item with this id (with its embedding, when it has one); NotFoundError otherwise."""
    if not isinstance(item_id, str) or not item_id.strip():
        raise InvalidInputError("an item id is a non-empty string such as 'hero-split'; see `faibric library list`")
    ensure_seeded()
    with read_connection(include_spool=False) as con:
        found = read_items(con, "AND id = ?", [item_id.strip()], with_embedding=True)
        if found:
            return found[0]
        known = [r[0] for r in con.execute("SELECT id FROM library_items WHERE removed_at IS NULL").fetchall()]
    close = difflib.get_close_matches(item_id, known, n=3)
    hint = f"; did you mean {', '.join(close)}?" if close else "; run `faibric library list` to see the ids"
    raise NotFoundError(f"no library item with id {item_id!r}{hint}", item_id=item_id)


def infer_kind(*texts: str) -> str | None:
    """The kind that a component's name or description points at most strongly, if any."""
    best, best_strength = None, 0.0
    terms, _ = analyse_query(" ".join(t for t in texts if t))
    for term in terms:
        if term.term.startswith("kind:") and term.weight > best_strength:
            best, best_strength = term.term[5:], term.weight
    if best is None:
        words = set(tokenize(" ".join(texts), keep_stopwords=True))
        for kind in KINDS:
            kind_words = set(tokenize(kind, keep_stopwords=True))
            if kind_words and kind_words <= words:
                return kind
    return best


def kebab(name: str) -> str:
    return re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "-", name).lower()


def item_from_path(path: str | Path, *, kind: str | None = None, item_id: str | None = None,
                   description: str | None = None, tags: list[str] | None = None) -> LibraryItem:
    """A :class:`LibraryItem` from a component file (``Name.jsx``, with ``Name.css`` beside it if present)."""
    path = Path(path).expanduser()
    if path.is_dir():
        candidates = sorted(path.glob("*.jsx"))
        if len(candidates) != 1:
            raise InvalidInputError(f"{path} holds {len(candidates)} .jsx files; pass the one component file to add")
        path = candidates[0]
    if not path.exists():
        raise InvalidInputError(f"{path} does not exist; pass the path of a component's .jsx file")
    if path.suffix not in (".jsx", ".js"):
        raise InvalidInputError(f"{path} is not a .jsx file; a library component is one React .jsx file (+ .css)")
    name = path.stem
    files = {f"src/components/{name}.jsx": path.read_text(encoding="utf-8")}
    css = path.with_suffix(".css")
    if css.exists():
        files[f"src/components/{name}.css"] = css.read_text(encoding="utf-8")
    return LibraryItem(
        id=item_id or kebab(name), name=name, kind=kind or "", description=description or "",
        tags=list(tags or []), files=files, props={}, source="learned",
        provenance={"added_from": str(path.resolve())},
    )


def leading_comment(code: str) -> str:
    match = re.match(r"\s*(?:/\*\*?(.*?)\*/|((?:\s*//[^\n]*\n)+))", code, re.S)
    if not match:
        return ""
    text = match.group(1) or match.group(2) or ""
    text = re.sub(r"^\s*(\*|//)\s?", "", text, flags=re.M)
    return " ".join(text.split())[:300]


def _prepare(item: LibraryItem, known_kinds: frozenset[str]) -> LibraryItem:  # noqa: C901 - one branch per manifest field or search filter
    """Validate an item for the store and fill what can be derived (kind, props, id, description)."""
    if not isinstance(item, LibraryItem):
        raise InvalidInputError(f"add_item takes a LibraryItem or a path, not {type(item).__name__}")
    if not item.files:
        raise InvalidInputError(f"item {item.id or item.name!r} has no files; give at least its .jsx")
    for path, text in item.files.items():
        if not isinstance(text, str):
            raise InvalidInputError(f"file {path} must be text")
        if path.startswith("/") or ".." in Path(path).parts:
            raise InvalidInputError(f"file path {path!r} must be relative to the project, like src/components/X.jsx")
        if path.endswith((".jsx", ".js")):
            require_parses(text, path)
    if not _NAME.match(item.name or ""):
        raise InvalidInputError(f"component name {item.name!r} must be PascalCase, like PricingTable")
    info = component_info(item.code)
    if not info.has_default_export:
        raise InvalidInputError(
            f"{item.component_path} has no default-exported component; write `export default function {item.name}(...)`"
        )
    item.id = (item.id or kebab(item.name)).strip()
    if not _ID.match(item.id):
        raise InvalidInputError(f"item id {item.id!r} must be kebab-case, like pricing-table")
    if not item.description:
        item.description = leading_comment(item.code) or f"{item.name} component"
    if item.kind:
        item.kind = normalise_kind(item.kind, known_kinds)
    else:
        guessed = infer_kind(kebab(item.name).replace("-", " "), item.description, " ".join(item.tags))
        if guessed is None:
            raise InvalidInputError(
                f"cannot tell what kind of section {item.name} is; pass kind (one of: {', '.join(KINDS)})"
            )
        item.kind = guessed
    if not item.props:
        item.props = {name: {"type": spec["type"], "default": spec["default"], "description": ""}
                      for name, spec in info.props.items()}
    item.tags = [str(t).strip() for t in item.tags if str(t).strip()]
    if item.source not in ("seed", "learned"):
        raise InvalidInputError(f"source must be 'seed' or 'learned', not {item.source!r}")
    if not 0.0 <= float(item.quality_score) <= 1.0:
        raise InvalidInputError(f"quality_score must be between 0 and 1, not {item.quality_score}")
    return item


def find_near_duplicate(code: str, items: list[LibraryItem], kind: str | None = None,
                        threshold: float = MERGE_SIMILARITY) -> tuple[LibraryItem | None, float]:
    """The most similar item (same kind when given) whose code structure is at least ``threshold`` alike."""
    shingles = code_shingles(code)
    best, best_similarity = None, 0.0
    for candidate in items:
        if kind is not None and candidate.kind != kind:
            continue
        similarity = code_similarity(shingles, _shingles_of(candidate))
        if similarity > best_similarity:
            best, best_similarity = candidate, similarity
    if best is not None and best_similarity >= threshold:
        return best, best_similarity
    return None, best_similarity


_shingle_cache: dict[tuple[str, int], frozenset] = {}


def _shingles_of(item: LibraryItem) -> frozenset:
    key = (item.id, hash(item.code))
    cached = _shingle_cache.get(key)
    if cached is None:
        cached = code_shingles(item.code)
        if len(_shingle_cache) > 5000:
            _shingle_cache.clear()
        _shingle_cache[key] = cached
    return cached


def _merge_into(existing: LibraryItem, incoming: LibraryItem, similarity: float) -> LibraryItem:
    provenance = dict(existing.provenance or {})
    merged = list(provenance.get("merged", []))
    merged.append({"id": incoming.id, "similarity": round(similarity, 3), "provenance": incoming.provenance,
                   "at": utc_now().isoformat(timespec="seconds")})
    provenance["merged"] = merged[-50:]
    existing.provenance = provenance
    existing.usage_count += max(1, incoming.usage_count)
    existing.tags = list(dict.fromkeys([*existing.tags, *incoming.tags]))
    return existing


def add_item(item: LibraryItem | str | Path, *, kind: str | None = None, item_id: str | None = None,
             description: str | None = None, tags: list[str] | None = None, replace: bool = False,
             allow_duplicate: bool = False, embedder: Embedder | None = None) -> LibraryItem:
    """Add a component to the library and return the stored item.

    ``item`` is a :class:`LibraryItem` or the path of a ``.jsx`` file. Code
    that does not parse is refused with the parser's line and column. An id
    already in use is refused unless ``replace``. A near-duplicate of an item
    of the same kind is merged into it (usage and provenance move over) and
    that existing item is returned, unless ``allow_duplicate``.
    """
    if isinstance(item, (str, Path)):
        item = item_from_path(item, kind=kind, item_id=item_id, description=description, tags=tags)
    elif isinstance(item, LibraryItem):
        item = _copy(item)
        if kind:
            item.kind = kind
        if item_id:
            item.id = item_id
        if description:
            item.description = description
        if tags:
            item.tags = list(tags)
    index = _index()
    item = _prepare(item, index.kind_set)
    embedder = embedder if embedder is not None else get_embedder()
    with catalog_lock:
        with write_connection() as con:
            migrations.apply(con)
            active = {r[0] for r in con.execute(
                "SELECT id FROM library_items WHERE id = ? AND removed_at IS NULL", [item.id]).fetchall()}
            if active and not replace:
                raise InvalidInputError(
                    f"a library item with id {item.id!r} already exists; choose another id, remove it first, "
                    "or pass replace=True (--replace)", item_id=item.id)
            if not allow_duplicate and not active:
                same_kind = read_items(con, "AND kind = ?", [item.kind])
                twin, similarity = find_near_duplicate(item.code, same_kind, item.kind)
                if twin is not None:
                    merged = _merge_into(twin, item, similarity)
                    write_items(con, [merged], keep_stats=False,
                                 embeddings=_vectors(embedder, [merged]), embedding_model=_model(embedder))
                    bump_generation()
                    return read_items(con, "AND id = ?", [merged.id])[0]
            item.created_at = None
            write_items(con, [item], keep_stats=False, embeddings=_vectors(embedder, [item]),
                         embedding_model=_model(embedder))
            stored = read_items(con, "AND id = ?", [item.id])[0]
        bump_generation()
    return stored


def _vectors(embedder: Embedder | None, items: list[LibraryItem]) -> dict:
    if embedder is None or not items:
        return {}
    return dict(zip([it.id for it in items], embedder.embed([_embedding_text(it) for it in items]), strict=True))


def _model(embedder: Embedder | None) -> str | None:
    return embedder.name if embedder is not None else None


def remove_item(item_id: str) -> LibraryItem:
    """Take an item out of the library (its row is kept with ``removed_at``); returns what was removed."""
    item = get_item(item_id)
    with catalog_lock:
        with write_connection() as con:
            con.execute("UPDATE library_items SET removed_at = ?, updated_at = ? WHERE id = ? AND removed_at IS NULL",
                        [utc_now(), utc_now(), item.id])
        bump_generation()
    return item


def _check_query(query) -> str:
    if not isinstance(query, str):
        raise InvalidInputError(f"the search query must be text, not {type(query).__name__}")
    if not query.strip():
        raise InvalidInputError(
            "the search query is empty; describe the section you need, e.g. 'pricing plans with monthly prices'"
        )
    if len(query) > 2000:
        raise InvalidInputError(f"the search query is {len(query)} characters; keep it under 2000")
    return query.strip()


class _VectorCache:
    """The store's vectors for one embedder, copied into an in-memory DuckDB as FLOAT[n].

    Searching must not hold the store open (other processes need it), and
    opening it costs more than the search itself; so each process copies the
    vectors once per library state and scores them with DuckDB's
    ``array_cosine_similarity`` in memory.
    """

    def __init__(self, index: LexicalIndex, embedder: Embedder):
        import duckdb

        self.dim = int(embedder.dim)
        self.lock = threading.Lock()
        self.con = duckdb.connect(":memory:")
        with read_connection(include_spool=False) as store:
            table = store.sql(
                "SELECT id, kind, embedding FROM library_items WHERE removed_at IS NULL AND embedding_model = ?",
                params=[embedder.name],
            ).to_arrow_table()
        positions = [index.ids.get(i, -1) for i in table.column("id").to_pylist()]
        import pyarrow as pa

        table = table.append_column("pos", pa.array(positions, type=pa.int64()))
        self.con.register("faibric_vectors_in", table)
        self.con.execute(
            f"CREATE TABLE vectors AS SELECT pos, kind, CAST(embedding AS FLOAT[{self.dim}]) AS embedding "
            "FROM faibric_vectors_in WHERE pos >= 0 AND len(embedding) = ?", [self.dim])
        self.con.unregister("faibric_vectors_in")

    def similarities(self, vector: list[float], n: int, kind: str | None) -> np.ndarray:
        where, params = ("WHERE kind = ?", [kind]) if kind else ("", [])
        with self.lock:
            found = self.con.execute(
                f"SELECT pos, array_cosine_similarity(embedding, CAST(? AS FLOAT[{self.dim}])) AS sim "
                f"FROM vectors {where}", [vector, *params]).fetchnumpy()
        sims = np.zeros(n, dtype=np.float64)
        if len(found["pos"]):
            sims[np.asarray(found["pos"], dtype=np.int64)] = np.nan_to_num(
                np.asarray(found["sim"], dtype=np.float64), nan=0.0)
        return np.clip(sims, 0.0, 1.0)


_vector_cache: dict[tuple[str, str], tuple[str | None, int, _VectorCache]] = {}


def _semantic_scores(index: LexicalIndex, query: str, embedder: Embedder, kind: str | None) -> np.ndarray:
    """Cosine similarity of the query to every item (DuckDB ``array_cosine_similarity`` on FLOAT[n])."""
    ensure_embeddings(embedder)
    key = (_db_key(), embedder.name)
    generation = _generation()
    with catalog_lock:
        cached = _vector_cache.get(key)
        if cached is None or cached[0] != generation or cached[1] != id(index) or generation is None:
            cached = (generation, id(index), _VectorCache(index, embedder))
            _vector_cache[key] = cached
    return cached[2].similarities(embedder.embed([query])[0], index.n, kind)


def search(query: str, kind: str | None = None, k: int = 10, *,  # noqa: C901 - one branch per search filter
           embedder: Embedder | str | None = None, fusion: str = "linear", semantic_weight: float = 0.35,
           kind_weight: float = 0.0) -> ResultList:
    """Items ranked for ``query`` (best first), each with a score in [0, 1] and the reasons it matched.

    Lexical BM25F ranking is always used. When an embedder is configured
    (``FAIBRIC_EMBEDDER`` or ``embedder=``), semantic similarity from DuckDB is
    combined with it: ``fusion="linear"`` blends the two scores,
    ``fusion="rrf"`` ranks by reciprocal rank fusion. ``kind_weight`` counts
    the requested kind itself as a query term of that weight (reuse decisions).
    """
    query = _check_query(query)
    if not isinstance(k, int) or isinstance(k, bool) or not 1 <= k <= MAX_K:
        raise InvalidInputError(f"k must be a whole number from 1 to {MAX_K}, not {k!r}")
    if fusion not in ("linear", "rrf"):
        raise InvalidInputError(f"fusion must be 'linear' or 'rrf', not {fusion!r}")
    index = _index()
    kind = normalise_kind(kind, index.kind_set)
    terms, _ = analyse_query(query)
    if kind is not None:
        # hints at other kinds cannot match any candidate; keeping them would only lower every score
        terms = [t for t in terms if not t.term.startswith("kind:") or t.term == f"kind:{kind}"]
        if kind_weight > 0:
            terms = [t for t in terms if t.term != f"kind:{kind}"] + [QueryTerm(f"kind:{kind}", kind_weight, kind)]
    if not terms:
        raise InvalidInputError(
            f"the query {query!r} has no searchable words (only common words like 'the', 'and'); describe the section"
        )
    results = ResultList()
    results.query = query
    if isinstance(embedder, str):
        embedder = get_embedder(embedder)
    elif embedder is None:
        embedder = get_embedder()
    lexical = index.normalised(terms, kind)
    if embedder is None or index.n == 0:
        order = index.top(lexical, k)
        for i in order:
            results.append(SearchResult(_materialise(index, i), float(lexical[i]), index.explain(i, terms)))
        return results
    semantic = _semantic_scores(index, query, embedder, kind)
    if fusion == "linear":
        combined = (1 - semantic_weight) * lexical + semantic_weight * semantic
    else:
        combined = _rrf(lexical, semantic)
    if kind is not None:
        combined[index.kinds != kind] = 0.0
    for i in index.top(combined, k):
        reasons = index.explain(i, terms)
        reasons.append(f"semantic similarity {semantic[i]:.2f} ({embedder.name})")
        results.append(SearchResult(_materialise(index, i), float(min(1.0, combined[i])), reasons))
    return results


def _rrf(lexical: np.ndarray, semantic: np.ndarray, k: int = 60) -> np.ndarray:
    """Reciprocal rank fusion of two score vectors, scaled so rank 1 in both gives 1.0."""
    fused = np.zeros_like(lexical)
    for scores in (lexical, semantic):
        positive = np.flatnonzero(scores > 0)
        ranks = np.empty(positive.size, dtype=np.float64)
        ranks[np.argsort(-scores[positive], kind="stable")] = np.arange(1, positive.size + 1)
        fused[positive] += 1.0 / (k + ranks)
    return fused / (2.0 / (k + 1))
