"""The component library: well-made reusable React sections, search that finds them, reuse, and learning.

Typical use, in a notebook or in generation::

    from faibric_kernel import library

    library.search("subscription plans with monthly and yearly prices")   # a ranked table
    decision = library.choose_for_section("pricing", "yoga studio memberships")
    library.record_reuse(decision, session_id, tenant_id, section="pricing")
    library.learn_from_version(session_id, 3, files, "deployed")

The seed components ship in ``seed/`` (``<Name>.jsx`` + ``<Name>.css`` and
``manifest.json``); in a generated project they live at
``src/components/<Name>.jsx`` and are styled only through the CSS variables
of ``src/theme.css`` (see :mod:`.themes`).
"""

from .catalog import (
    MERGE_SIMILARITY,
    add_item,
    ensure_embeddings,
    ensure_seeded,
    find_near_duplicate,
    get_item,
    infer_kind,
    item_from_path,
    list_items,
    remove_item,
    search,
)
from .embedders import EMBEDDERS, Embedder, HashingEmbedder, MiniLMEmbedder, get_embedder
from .embedders import register as register_embedder
from .jsx import code_similarity, component_info, parse_problems
from .learning import OUTCOMES, LearnReport, learn_from_version, record_outcome
from .models import KINDS, ItemList, LibraryItem, ResultList, ReuseDecision, SearchResult, normalise_kind
from .reuse import DEFAULT_REUSE_THRESHOLD, choose_for_section, record_reuse, reuse_threshold
from .seed import seed_items, theme_file
from .showcase import showcase_files, showcase_html
from .themes import DEFAULT_THEME, THEMES, theme_css

__all__ = [
    "DEFAULT_REUSE_THRESHOLD",
    "DEFAULT_THEME",
    "EMBEDDERS",
    "KINDS",
    "MERGE_SIMILARITY",
    "OUTCOMES",
    "THEMES",
    "Embedder",
    "HashingEmbedder",
    "ItemList",
    "LearnReport",
    "LibraryItem",
    "MiniLMEmbedder",
    "ResultList",
    "ReuseDecision",
    "SearchResult",
    "add_item",
    "choose_for_section",
    "code_similarity",
    "component_info",
    "ensure_embeddings",
    "ensure_seeded",
    "find_near_duplicate",
    "get_embedder",
    "get_item",
    "infer_kind",
    "item_from_path",
    "learn_from_version",
    "list_items",
    "normalise_kind",
    "parse_problems",
    "record_outcome",
    "record_reuse",
    "register_embedder",
    "remove_item",
    "reuse_threshold",
    "search",
    "seed_items",
    "showcase_files",
    "showcase_html",
    "theme_css",
    "theme_file",
]
