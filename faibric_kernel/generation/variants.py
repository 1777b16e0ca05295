"""Prompt variants: named bundles of prompt versions, models and switches, as data, with weights for assignment.

A variant says, for the builds and changes of the sessions assigned to it:

* ``prompts``: a version per prompt id (see :mod:`.prompt_registry`); ids not
  named use the default version;
* ``models``: a model id per tier (``strong``, ``cheap``) or per purpose
  (``generate``, ``adapt``, ``classify``, ``modify``, ...); a purpose beats its
  tier. They apply to the providers that call a model (the offline composer
  has its own fixed models and ignores them);
* ``switches``: ``reuse``, ``prompt_cache``, ``split_generation`` (true/false,
  or null to follow the FAIBRIC_REUSE / FAIBRIC_PROMPT_CACHE /
  FAIBRIC_SPLIT_GENERATION settings) and ``max_tokens`` per purpose;
* ``weight``: its share of new sessions (0 takes none); ``status``:
  ``active`` or ``retired`` (a retired variant gets no new sessions, but the
  sessions it has keep it, changes included: a session keeps its variant for life).

The shipped variants are ``faibric_kernel/data/variants.json``; variants added
with ``faibric variants add`` (and retirements) are kept in
``$FAIBRIC_HOME/variants.json`` and override the shipped ones by name.
A variant's prompts, models and switches never change once added: a change is
a new variant, so an experiment always compares fixed things.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path

from .. import config
from ..errors import ConfigError, InvalidInputError
from ..store.documents import WorkspaceDocument
from .prompt_registry import PromptBook

__all__ = [
    "PURPOSES",
    "SWITCHES",
    "Variant",
    "add_variant",
    "assignable",
    "choose_variant",
    "get_variant",
    "list_variants",
    "retire_variant",
    "shipped_variants_file",
    "workspace_variants_file",
]

NAME = re.compile(r"^[A-Za-z0-9_-]{1,16}$")
PURPOSES = ("classify", "adapt", "generate", "modify", "rewrite", "fix", "repair")
TIERS = ("strong", "cheap")
SWITCHES = {"reuse": "FAIBRIC_REUSE", "prompt_cache": "FAIBRIC_PROMPT_CACHE",
            "split_generation": "FAIBRIC_SPLIT_GENERATION"}
STATUSES = ("active", "retired")


@dataclass(frozen=True)
class Variant:
    """One named bundle of prompt versions, models and switches."""

    name: str
    description: str = ""
    weight: float = 1.0
    status: str = "active"
    prompts: dict = field(default_factory=dict)
    models: dict = field(default_factory=dict)
    switches: dict = field(default_factory=dict)
    max_tokens: dict = field(default_factory=dict)
    created_at: str | None = None
    source: str = "shipped"

    def book(self) -> PromptBook:
        """The prompt versions of this variant (checked: every version must exist)."""
        return PromptBook(self.prompts)

    def switch(self, name: str) -> bool:
        """A switch's value: the variant's when it sets one, else the setting's."""
        value = self.switches.get(name)
        if value is None:
            return config.get_bool(SWITCHES[name], True)
        return bool(value)

    def model(self, purpose: str, tier: str) -> str | None:
        """The model this variant names for a purpose (or its tier), or None to use the model table."""
        return self.models.get(purpose) or self.models.get(tier)

    def to_dict(self) -> dict:
        return {"name": self.name, "description": self.description, "weight": self.weight, "status": self.status,
                "prompts": dict(self.prompts), "models": dict(self.models), "switches": dict(self.switches),
                "max_tokens": dict(self.max_tokens), "created_at": self.created_at, "source": self.source}

    @classmethod
    def from_dict(cls, data: dict, source: str, where: str) -> Variant:
        if not isinstance(data, dict):
            raise ConfigError(f"{where}: each variant must be an object")
        known = {"name", "description", "weight", "status", "prompts", "models", "switches", "max_tokens",
                 "created_at"}
        unknown = sorted(set(data) - known)
        if unknown:
            raise ConfigError(f"{where}: unknown variant field(s) {', '.join(unknown)}; fields: {', '.join(sorted(known))}")
        try:
            variant = cls(name=data["name"], description=str(data.get("description") or ""),
                          weight=float(data.get("weight", 1.0)), status=data.get("status", "active"),
                          prompts=dict(data.get("prompts") or {}), models=dict(data.get("models") or {}),
                          switches=dict(data.get("switches") or {}), max_tokens=dict(data.get("max_tokens") or {}),
                          created_at=data.get("created_at"), source=source)
        except (KeyError, TypeError, ValueError) as exc:
            raise ConfigError(f"{where}: a variant is invalid ({exc})") from None
        return _checked(variant, where)


def _checked(variant: Variant, where: str) -> Variant:  # noqa: C901 - one check per field of a variant, each with its own message
    """The variant, or a ConfigError naming what is wrong (prompt versions are checked when it is loaded)."""
    name = variant.name
    if not isinstance(name, str) or not NAME.match(name):
        raise ConfigError(f"{where}: variant name {name!r} must be up to 16 letters, digits, '-' or '_'")
    if variant.status not in STATUSES:
        raise ConfigError(f"{where}: variant {name} has status {variant.status!r}; use active or retired")
    if not variant.weight >= 0:
        raise ConfigError(f"{where}: variant {name} has a negative weight")
    for key, model in variant.models.items():
        if key not in TIERS and key not in PURPOSES:
            raise ConfigError(f"{where}: variant {name} sets a model for {key!r}; use strong, cheap or a purpose "
                              f"({', '.join(PURPOSES)})")
        if not isinstance(model, str) or not model.strip():
            raise ConfigError(f"{where}: variant {name} has an empty model id for {key}")
    for key, value in variant.switches.items():
        if key not in SWITCHES:
            raise ConfigError(f"{where}: variant {name} has an unknown switch {key!r}; switches: {', '.join(SWITCHES)}")
        if value is not None and not isinstance(value, bool):
            raise ConfigError(f"{where}: variant {name}'s switch {key} must be true, false or null")
    for key, value in variant.max_tokens.items():
        if key not in PURPOSES or not isinstance(value, int) or isinstance(value, bool) or not 256 <= value <= 64000:
            raise ConfigError(f"{where}: variant {name}'s max_tokens needs a purpose ({', '.join(PURPOSES)}) and a "
                              f"whole number from 256 to 64000, not {key}={value!r}")
    try:
        variant.book()
    except ConfigError as exc:
        raise ConfigError(f"{where}: variant {name}: {exc.message}") from None
    return variant


def shipped_variants_file() -> Path:
    return Path(__file__).resolve().parent.parent / "data" / "variants.json"


def workspace_variants_file() -> Path:
    return config.workspace(create=False) / "variants.json"


_WORKSPACE_DOCUMENT = WorkspaceDocument("variants.json")


def _parse(data, where: str, source: str) -> list[Variant]:
    try:
        entries = data["variants"]
    except (KeyError, TypeError) as exc:
        raise ConfigError(f"the variants in {where} are invalid ({exc}); it needs {{\"variants\": [...]}}") from None
    return [Variant.from_dict(entry, source, where) for entry in entries]


def _read(path: Path, source: str) -> list[Variant]:
    if not path.is_file():
        return []
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except ValueError as exc:
        raise ConfigError(f"the variants file {path} is invalid ({exc}); it needs {{\"variants\": [...]}}") from None
    return _parse(data, str(path), source)


def _read_workspace() -> list[Variant]:
    try:
        data = _WORKSPACE_DOCUMENT.load()
    except ValueError as exc:
        raise ConfigError(f"the variants in {_WORKSPACE_DOCUMENT.where()} are invalid ({exc}); it needs "
                          "{\"variants\": [...]}") from None
    return [] if data is None else _parse(data, _WORKSPACE_DOCUMENT.where(), "workspace")


def _load() -> dict[str, Variant]:
    variants = {v.name: v for v in _read(shipped_variants_file(), "shipped")}
    for variant in _read_workspace():
        variants[variant.name] = variant
    return variants


def list_variants(include_retired: bool = True) -> list[Variant]:
    """Every variant (shipped, then the workspace's), by name."""
    return sorted((v for v in _load().values() if include_retired or v.status == "active"), key=lambda v: v.name)


def get_variant(name: str) -> Variant:
    """A variant by name, retired ones included (their sessions keep them)."""
    variants = _load()
    if name not in variants:
        raise InvalidInputError(f"there is no prompt variant {name!r}; variants: {', '.join(sorted(variants)) or 'none'}"
                                " (see `faibric variants list`, or add one with `faibric variants add`)")
    return variants[name]


def assignable(name: str) -> Variant:
    """A variant a new session may be given explicitly: it must exist and be active."""
    variant = get_variant(name)
    if variant.status != "active":
        raise InvalidInputError(f"the prompt variant {name} is retired and takes no new sessions; "
                                "choose an active one (`faibric variants list`)")
    return variant


def choose_variant(session_id: str) -> str:
    """The variant for a new session: by weight among the active ones, fixed by the session id (reproducible)."""
    active = [v for v in list_variants(include_retired=False) if v.weight > 0]
    if not active:
        raise ConfigError("no active prompt variant has a weight above 0; add one with `faibric variants add`")
    total = sum(v.weight for v in active)
    point = int(hashlib.sha256(session_id.encode()).hexdigest()[:8], 16) / 16 ** 8 * total
    for variant in active:
        point -= variant.weight
        if point < 0:
            return variant.name
    return active[-1].name


def _write_workspace(variants: list[Variant]) -> None:
    payload = {"variants": [{k: v for k, v in variant.to_dict().items() if k != "source"} for variant in variants]}
    _WORKSPACE_DOCUMENT.save(payload)


def add_variant(name: str, *, base: str | None = None, description: str = "", weight: float = 1.0,
                prompts: dict | None = None, models: dict | None = None, switches: dict | None = None,
                max_tokens: dict | None = None) -> Variant:
    """A new variant (from ``base``'s settings, with these changes), saved in the workspace."""
    existing = _load()
    if name in existing:
        raise InvalidInputError(f"the variant {name} already exists; variants never change once added, so give the "
                                "new combination a new name (and retire the old one if it should stop)")
    start = get_variant(base) if base else Variant(name=name)
    variant = replace(start, name=name, description=description or (f"{base} with changes" if base else ""),
                      weight=weight, status="active", prompts={**start.prompts, **(prompts or {})},
                      models={**start.models, **(models or {})}, switches={**start.switches, **(switches or {})},
                      max_tokens={**start.max_tokens, **(max_tokens or {})},
                      created_at=datetime.now(UTC).isoformat(timespec="seconds"), source="workspace")
    try:
        variant = _checked(variant, "the new variant")
    except ConfigError as exc:
        raise InvalidInputError(exc.message) from None
    _write_workspace([*_read_workspace(), variant])
    return variant


def retire_variant(name: str) -> Variant:
    """Stop giving a variant to new sessions (its sessions keep it)."""
    variant = get_variant(name)
    retired = replace(variant, status="retired", source="workspace")
    others = [v for v in _read_workspace() if v.name != name]
    _write_workspace([*others, retired])
    return retired
