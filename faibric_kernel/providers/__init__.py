"""The AI providers, registered in one place.

Each provider is a small class declaring ``name``, ``needs_key`` and
``key_env_var`` and implementing one method,
``complete(request, on_text=None, cancel=None) -> Completion``:

* ``anthropic``: the real Messages API through the anthropic SDK, streaming,
  retried with backoff, prompt-cached, honouring ``ANTHROPIC_BASE_URL``.
* ``offline``: no network and no key; composes sites from the component
  library with rules. The default when ``ANTHROPIC_API_KEY`` is not set, and
  the test fake.

Every request a provider sends is recorded as one ``api_calls`` row.
"""

from __future__ import annotations

from .. import config
from ..errors import MissingKeyError
from ..registry import Registry
from .base import Completion, CompletionRequest, GenerationContext, Provider, estimate_tokens
from .models import load_models, max_tokens_for, model_for, tier_for
from .pricing import Usage, load_prices, price_call

__all__ = [
    "PROVIDERS",
    "Completion",
    "CompletionRequest",
    "GenerationContext",
    "Provider",
    "Usage",
    "available_providers",
    "estimate_tokens",
    "get_provider",
    "load_models",
    "load_prices",
    "max_tokens_for",
    "model_for",
    "price_call",
    "register",
    "tier_for",
]

PROVIDERS: Registry[type[Provider]] = Registry("provider")


def register(provider_class: type[Provider]) -> type[Provider]:
    """Add a provider class to the registry (usable as a decorator)."""
    return PROVIDERS.register(provider_class)


def _register_builtin() -> None:
    from .anthropic import AnthropicProvider
    from .offline import OfflineProvider

    register(AnthropicProvider)
    register(OfflineProvider)


def available_providers() -> list[str]:
    """Providers usable now (their key, if any, is set)."""
    return [n for n, cls in PROVIDERS.items() if not cls.needs_key or config.is_set(cls.key_env_var)]


def get_provider(name: str | None = None, **options) -> Provider:
    """A provider instance: ``name``, or anthropic when its key is set, else offline."""
    if name is None or name == "auto":
        name = "anthropic" if config.is_set("ANTHROPIC_API_KEY") else "offline"
    cls = PROVIDERS.lookup(name)
    if cls.needs_key and not options.get("client") and not config.is_set(cls.key_env_var):
        raise MissingKeyError(
            f"the {name} provider needs {cls.key_env_var}; set it in the environment or in "
            f"{config.workspace(create=False) / '.env'}, or use --provider offline"
        )
    return cls(**options)


_register_builtin()
