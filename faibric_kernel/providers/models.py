"""Which model does what: model choice per provider and purpose, as data.

``faibric_kernel/data/models.json`` (or the file named by
``FAIBRIC_MODELS_FILE``) maps each provider to a ``strong`` model (writes new
code) and a ``cheap`` one (classifies, summarises, adapts reused components),
and each purpose to one of the two. ``FAIBRIC_STRONG_MODEL`` and
``FAIBRIC_CHEAP_MODEL`` override single ids without a new file.
"""

from __future__ import annotations

import json
from pathlib import Path

from .. import config
from ..errors import ConfigError

__all__ = ["load_models", "max_tokens_for", "model_for", "tier_for"]

DEFAULT_MODELS_FILE = Path(__file__).resolve().parent.parent / "data" / "models.json"
DEFAULT_MAX_TOKENS = 8000


def load_models() -> dict:
    """The model selection table, read fresh (it is small)."""
    override = config.get("FAIBRIC_MODELS_FILE")
    path = Path(override).expanduser() if override else DEFAULT_MODELS_FILE
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        providers = data["providers"]
        for name, entry in providers.items():
            if not entry.get("strong") or not entry.get("cheap"):
                raise ValueError(f"provider {name} needs a strong and a cheap model")
    except FileNotFoundError:
        raise ConfigError(f"the model table {path} does not exist; fix FAIBRIC_MODELS_FILE or unset it") from None
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        raise ConfigError(f"the model table {path} is invalid ({exc}); see faibric_kernel/data/models.json") from None
    return data


def _entry(provider: str) -> dict:
    providers = load_models()["providers"]
    if provider not in providers:
        raise ConfigError(f"no models configured for provider {provider!r}; add it to the model table")
    return providers[provider]


def tier_for(provider: str, purpose: str) -> str:
    """``"strong"`` or ``"cheap"`` for a purpose (unknown purposes use the strong model)."""
    return _entry(provider).get("purposes", {}).get(purpose, "strong")


def model_for(provider: str, purpose: str | None = None, *, tier: str | None = None) -> str:
    """The model id a provider uses for a purpose, or for an explicit tier."""
    tier = tier or tier_for(provider, purpose or "generate")
    if tier not in ("strong", "cheap"):
        raise ConfigError(f"model tier must be strong or cheap, not {tier!r}")
    if provider != "offline":
        override = config.get("FAIBRIC_STRONG_MODEL" if tier == "strong" else "FAIBRIC_CHEAP_MODEL")
        if override:
            return override
    return _entry(provider)[tier]


def max_tokens_for(provider: str, purpose: str) -> int:
    return int(_entry(provider).get("max_tokens", {}).get(purpose, DEFAULT_MAX_TOKENS))
