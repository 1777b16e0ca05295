"""The Anthropic provider: the real Messages API through the anthropic SDK.

* Streams: each text delta reaches ``on_text`` as it arrives; the final usage
  comes from ``stream.get_final_message().usage``.
* Retries 429, 5xx (529 overloaded included), timeouts and dropped
  connections with exponential backoff and jitter, honouring ``retry-after``;
  the SDK's own retries are off so that every request sent is one recorded
  ``api_calls`` row.
* Sends the long constant part of the prompt (``request.system``, the
  constraints) as a system block marked ``cache_control: ephemeral``
  (``FAIBRIC_PROMPT_CACHE=0`` turns this off, to measure or debug).
* Honours ``ANTHROPIC_BASE_URL`` (gateways, proxies, the test fake).
* Translates SDK errors into :mod:`faibric_kernel.errors` classes whose
  messages say what to do; the key never appears in a message or a log.
"""

from __future__ import annotations

import random
import threading
import time

from .. import config
from ..errors import BuildStoppedError, ConfigError, MissingKeyError, ProviderError, RateLimitedError
from .base import Completion, CompletionRequest, Provider, TextCallback
from .models import max_tokens_for
from .pricing import Usage

__all__ = ["AnthropicProvider"]

RETRYABLE_STATUS = {408, 409, 429, 500, 502, 503, 504, 529}
RETRYABLE_ERROR_TYPES = {"overloaded_error", "rate_limit_error", "api_error", "timeout_error"}


class _Cancelled(Exception):
    pass


def usage_from_sdk(sdk_usage) -> Usage:
    """Our :class:`Usage` from the SDK's usage object (missing fields count as 0)."""
    if sdk_usage is None:
        return Usage()
    creation = getattr(sdk_usage, "cache_creation", None)
    return Usage(
        input_tokens=getattr(sdk_usage, "input_tokens", 0) or 0,
        output_tokens=getattr(sdk_usage, "output_tokens", 0) or 0,
        cache_creation_input_tokens=getattr(sdk_usage, "cache_creation_input_tokens", 0) or 0,
        cache_read_input_tokens=getattr(sdk_usage, "cache_read_input_tokens", 0) or 0,
        cache_creation_1h_input_tokens=(getattr(creation, "ephemeral_1h_input_tokens", 0) or 0) if creation else 0,
    )


class AnthropicProvider(Provider):
    """Claude through the Messages API (streaming, cached constraints, retried)."""

    name = "anthropic"
    needs_key = True
    key_env_var = "ANTHROPIC_API_KEY"
    description = "Anthropic Messages API (set ANTHROPIC_API_KEY; ANTHROPIC_BASE_URL for gateways)"

    def __init__(
        self,
        client=None,
        *,
        max_attempts: int = 4,
        base_delay: float = 1.0,
        max_delay: float = 30.0,
        timeout: float = 600.0,
        sleep=None,
    ):
        self._client = client
        self._client_lock = threading.Lock()
        self.max_attempts = max(1, max_attempts)
        self.base_delay = base_delay
        self.max_delay = max_delay
        self.timeout = timeout
        self._sleep = sleep

    # -- the SDK client -------------------------------------------------------------------------
    def client(self):
        """The SDK client, built on first use from ANTHROPIC_API_KEY and ANTHROPIC_BASE_URL."""
        with self._client_lock:
            if self._client is None:
                import anthropic

                key = config.get_secret("ANTHROPIC_API_KEY", required=True, purpose="use the anthropic provider")
                base_url = config.get("ANTHROPIC_BASE_URL") or None
                try:
                    self._client = anthropic.Anthropic(
                        api_key=key.reveal(), base_url=base_url, max_retries=0, timeout=self.timeout
                    )
                except anthropic.AnthropicError as exc:
                    raise ConfigError(f"cannot set up the anthropic client: {_scrub(str(exc))}") from None
            return self._client

    # -- one request, retried --------------------------------------------------------------------
    def complete(  # noqa: C901 - SDK errors translated one by one at the boundary
        self,
        request: CompletionRequest,
        on_text: TextCallback | None = None,
        cancel: threading.Event | None = None,
    ) -> Completion:
        import anthropic

        model = request.model or self.model_for(request.purpose)
        params = {
            "model": model,
            "max_tokens": request.max_tokens or max_tokens_for(self.name, request.purpose),
            "messages": request.messages,
        }
        if request.system:
            block = {"type": "text", "text": request.system}
            if request.cache and config.get_bool("FAIBRIC_PROMPT_CACHE", True):
                block["cache_control"] = {"type": "ephemeral"}
            params["system"] = [block]
        client = self.client()
        last_error: Exception | None = None
        for attempt in range(1, self.max_attempts + 1):
            if cancel is not None and cancel.is_set():
                raise BuildStoppedError("stopped before the model was called")
            started = time.perf_counter()
            pieces: list[str] = []
            partial_usage = Usage()
            try:
                with client.messages.stream(**params) as stream:
                    for event in stream:
                        if cancel is not None and cancel.is_set():
                            raise _Cancelled
                        if event.type == "message_start":
                            partial_usage = usage_from_sdk(event.message.usage)
                        elif event.type == "message_delta" and getattr(event, "usage", None) is not None:
                            partial_usage.output_tokens = event.usage.output_tokens or partial_usage.output_tokens
                        elif event.type == "text":
                            pieces.append(event.text)
                            if on_text is not None:
                                on_text(event.text)
                    message = stream.get_final_message()
            except _Cancelled:
                self.record(request, model=model, usage=partial_usage, latency_ms=_ms(started),
                            status="cancelled", error_type="BuildStoppedError", properties={"attempt": attempt})
                raise BuildStoppedError("stopped while the model was writing") from None
            except anthropic.APIError as exc:
                retryable, error_type = _classify(exc)
                self.record(request, model=model, usage=partial_usage, latency_ms=_ms(started), status="error",
                            error_type=error_type, properties={"attempt": attempt, "retryable": retryable,
                                                               **_status_props(exc)})
                last_error = exc
                if retryable and attempt < self.max_attempts:
                    if pieces and on_text is not None:
                        on_text("\n[the stream was interrupted; retrying]\n")
                    self._wait(attempt, exc, cancel)
                    continue
                raise _translate(exc, attempts=attempt, model=model) from None
            usage = usage_from_sdk(message.usage)
            text = "".join(block.text for block in message.content if getattr(block, "type", "") == "text")
            latency = _ms(started)
            call_id, cost, price_version = self.record(
                request, model=model, usage=usage, latency_ms=latency,
                properties={"attempt": attempt, "stop_reason": message.stop_reason} if attempt > 1 else
                {"stop_reason": message.stop_reason},
            )
            return Completion(
                text=text or "".join(pieces),
                stop_reason=message.stop_reason,
                usage=usage,
                model=getattr(message, "model", None) or model,
                provider=self.name,
                purpose=request.purpose,
                cost_usd=cost,
                price_version=price_version,
                latency_ms=latency,
                call_id=call_id,
                attempts=attempt,
            )
        raise _translate(last_error, attempts=self.max_attempts, model=model)  # pragma: no cover

    def _wait(self, attempt: int, exc: Exception, cancel: threading.Event | None) -> None:
        delay = min(self.max_delay, self.base_delay * (2 ** (attempt - 1)))
        delay *= 0.5 + random.random() / 2
        retry_after = _retry_after(exc)
        if retry_after is not None:
            delay = min(self.max_delay, max(delay, retry_after))
        if self._sleep is not None:
            self._sleep(delay)
        elif cancel is not None:
            if cancel.wait(delay):
                raise BuildStoppedError("stopped while waiting to retry the model call")
        else:
            time.sleep(delay)


def _ms(started: float) -> float:
    return (time.perf_counter() - started) * 1000


def _error_body_type(exc) -> str | None:
    body = getattr(exc, "body", None)
    if isinstance(body, dict):
        error = body.get("error")
        if isinstance(error, dict):
            return error.get("type")
        return body.get("type")
    return None


def _classify(exc) -> tuple[bool, str]:
    import anthropic

    if isinstance(exc, anthropic.APITimeoutError):
        return True, "timeout"
    if isinstance(exc, anthropic.APIConnectionError):
        return True, "connection_error"
    if isinstance(exc, anthropic.APIStatusError):
        body_type = _error_body_type(exc)
        status = getattr(exc, "status_code", None)
        if status == 200 or status is None:
            # an error event inside a stream that had started well
            return (body_type in RETRYABLE_ERROR_TYPES), (body_type or "stream_error")
        if status == 429:
            return True, "rate_limited"
        if status == 529:
            return True, "overloaded"
        return status in RETRYABLE_STATUS, body_type or f"http_{status}"
    return False, type(exc).__name__


def _status_props(exc) -> dict:
    status = getattr(exc, "status_code", None)
    request_id = getattr(exc, "request_id", None)
    return {k: v for k, v in {"http_status": status, "request_id": request_id}.items() if v is not None}


def _retry_after(exc) -> float | None:
    response = getattr(exc, "response", None)
    if response is None:
        return None
    headers = response.headers
    try:
        if headers.get("retry-after-ms"):
            return float(headers["retry-after-ms"]) / 1000
        if headers.get("retry-after"):
            return float(headers["retry-after"])
    except ValueError:
        return None
    return None


def _scrub(text: str) -> str:
    """Remove anything that looks like a key from a message."""
    import re

    key = config.get_secret("ANTHROPIC_API_KEY")
    if key and key.reveal():
        text = text.replace(key.reveal(), "***")
    return re.sub(r"sk-ant-[A-Za-z0-9_\-]+", "sk-ant-***", text)[:500]


def _translate(exc, *, attempts: int, model: str):
    """A FaibricError for an SDK error, with what to do about it."""
    import anthropic

    detail = _scrub(getattr(exc, "message", None) or str(exc))
    kind, error_type = _classify(exc)
    status = getattr(exc, "status_code", None)
    extra = {"attempts": attempts, "model": model, "error_type": error_type, "http_status": status}
    if isinstance(exc, anthropic.AuthenticationError):
        return MissingKeyError(
            "Anthropic refused the API key (401); check ANTHROPIC_API_KEY (and ANTHROPIC_BASE_URL if you use a gateway)",
            **extra,
        )
    if isinstance(exc, anthropic.PermissionDeniedError):
        return ProviderError(f"Anthropic denied access to {model} (403); check the key's workspace and model access",
                             **extra)
    if isinstance(exc, anthropic.NotFoundError):
        return ProviderError(
            f"Anthropic does not know the model {model!r} or the endpoint (404); fix the model id in the model "
            "table (FAIBRIC_MODELS_FILE) or ANTHROPIC_BASE_URL", **extra)
    if isinstance(exc, anthropic.BadRequestError):
        return ProviderError(f"Anthropic rejected the request (400): {detail}", **extra)
    if error_type in ("rate_limited", "overloaded", "rate_limit_error", "overloaded_error"):
        return RateLimitedError(
            f"Anthropic is {'rate limiting this key' if 'rate' in error_type else 'overloaded'} and still was after "
            f"{attempts} attempt(s); wait a minute and retry, or use --provider offline", **extra)
    if error_type in ("timeout", "connection_error"):
        where = config.get("ANTHROPIC_BASE_URL") or "https://api.anthropic.com"
        return ProviderError(
            f"could not reach Anthropic at {where} after {attempts} attempt(s) ({error_type.replace('_', ' ')}); "
            "check the network or ANTHROPIC_BASE_URL, then retry", **extra)
    if status and status >= 500:
        return ProviderError(
            f"Anthropic failed with HTTP {status} after {attempts} attempt(s); retry later or use --provider offline",
            **extra)
    return ProviderError(f"the Anthropic call failed: {detail}", **extra)
