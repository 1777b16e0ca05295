"""Providers: registry, model table, prices, the offline provider, and anthropic against a fake Messages API."""

from __future__ import annotations

import json
import threading
from datetime import date

import pytest
from fakes.anthropic_fake import FakeMessagesAPI, Reply, serve

from faibric_kernel.errors import (
    BuildStoppedError,
    ConfigError,
    InvalidInputError,
    MissingKeyError,
    ProviderError,
    RateLimitedError,
)
from faibric_kernel.providers import (
    PROVIDERS,
    CompletionRequest,
    Usage,
    get_provider,
    load_prices,
    model_for,
    price_call,
)
from faibric_kernel.providers.anthropic import AnthropicProvider
from faibric_kernel.store import read_connection

SYSTEM = "constraints " * 2000  # about 6,000 tokens: long enough to be cached


def _calls(**where):
    clause = " AND ".join(f"{k} = ?" for k in where) or "true"
    with read_connection() as con:
        return con.execute(
            "SELECT provider, model, purpose, input_tokens, output_tokens, cache_creation_input_tokens, "
            "cache_read_input_tokens, cost_usd, price_version, status, error_type, CAST(properties AS VARCHAR) "
            f"FROM api_calls WHERE {clause} ORDER BY ts", list(where.values())).fetchall()


def _provider(api, **options):
    return AnthropicProvider(client=api.client(), sleep=lambda seconds: None, **options)


def _request(purpose="generate", **kw):
    return CompletionRequest(purpose=purpose, system=kw.pop("system", SYSTEM),
                             messages=[{"role": "user", "content": kw.pop("content", "Say hello")}],
                             model=kw.pop("model", "claude-sonnet-4-6"), max_tokens=kw.pop("max_tokens", 4096),
                             session_id=kw.pop("session_id", "s1"), **kw)


# -- registry and configuration ----------------------------------------------------------------------
def test_registry_lists_both_providers_with_their_keys():
    assert PROVIDERS["anthropic"].needs_key and PROVIDERS["anthropic"].key_env_var == "ANTHROPIC_API_KEY"
    assert not PROVIDERS["offline"].needs_key


def test_default_provider_is_offline_without_a_key():
    assert get_provider().name == "offline"


def test_default_provider_is_anthropic_with_a_key(monkeypatch):
    monkeypatch.setenv("ANTHROPIC_API_KEY", "sk-ant-test-key")
    assert get_provider().name == "anthropic"


def test_anthropic_without_key_says_what_to_set():
    with pytest.raises(MissingKeyError, match="ANTHROPIC_API_KEY"):
        get_provider("anthropic")


def test_unknown_provider_is_refused():
    with pytest.raises(InvalidInputError, match="offline"):
        get_provider("gpt-banana")


def test_models_come_from_the_data_file_and_can_be_overridden(tmp_path, monkeypatch):
    assert model_for("anthropic", "generate") == "claude-sonnet-4-6"
    assert model_for("anthropic", "classify") == "claude-haiku-4-5"
    table = {"providers": {"anthropic": {"strong": "claude-opus-4-6", "cheap": "claude-3-5-haiku",
                                         "purposes": {"classify": "cheap"}}}}
    path = tmp_path / "models.json"
    path.write_text(json.dumps(table))
    monkeypatch.setenv("FAIBRIC_MODELS_FILE", str(path))
    assert model_for("anthropic", "generate") == "claude-opus-4-6"
    assert model_for("anthropic", "classify") == "claude-3-5-haiku"


def test_broken_model_table_is_a_config_error(tmp_path, monkeypatch):
    path = tmp_path / "models.json"
    path.write_text("{not json")
    monkeypatch.setenv("FAIBRIC_MODELS_FILE", str(path))
    with pytest.raises(ConfigError, match="models.json"):
        model_for("anthropic", "generate")


# -- prices ------------------------------------------------------------------------------------------
def test_price_uses_disjoint_buckets():
    usage = Usage(input_tokens=1000, output_tokens=2000, cache_creation_input_tokens=3000,
                  cache_read_input_tokens=4000, cache_creation_1h_input_tokens=1000)
    cost, version = price_call("claude-sonnet-4-6", usage, date(2026, 11, 20))
    expected = (1000 * 3 + 2000 * 3.75 + 1000 * 6 + 4000 * 0.30 + 2000 * 15) / 1e6
    assert cost == pytest.approx(expected)
    assert version == "anthropic-2026-11-01"


def test_price_version_follows_the_effective_date():
    _, version = price_call("claude-sonnet-4-5", Usage(input_tokens=1), date(2026, 1, 1))
    assert version == "anthropic-2025-10-15"


def test_dated_model_ids_find_their_price():
    cost, _ = price_call("claude-haiku-4-5-20251001", Usage(output_tokens=1_000_000), date(2026, 11, 20))
    assert cost == pytest.approx(5.0)


def test_unknown_model_is_unpriced_not_free():
    cost, version = price_call("claude-mystery-9", Usage(input_tokens=100), date(2026, 11, 20))
    assert cost is None and version == "anthropic-2026-11-01"


def test_price_table_override(tmp_path, monkeypatch):
    data = {"versions": [{"version": "v-test", "effective_from": "2020-01-01", "models": {
        "m": {"input": 1, "cache_write_5m": 1, "cache_write_1h": 1, "cache_read": 1, "output": 1}}}]}
    path = tmp_path / "prices.json"
    path.write_text(json.dumps(data))
    monkeypatch.setenv("FAIBRIC_PRICES_FILE", str(path))
    assert load_prices().versions[0].version == "v-test"
    assert price_call("m", Usage(input_tokens=1_000_000))[0] == pytest.approx(1.0)


# -- the offline provider --------------------------------------------------------------------------
def test_offline_provider_writes_file_tags_and_records_a_free_call():
    provider = get_provider("offline")
    completion = provider.complete(CompletionRequest(
        purpose="generate", messages=[{"role": "user", "content": "x"}], session_id="s-off",
        context={"prompt": "A landing page for Doce Vida, a bakery in Lisbon"}))
    assert '<file path="src/App.jsx">' in completion.text and completion.cost_usd == 0.0
    rows = _calls(session_id="s-off")
    assert rows[0][0] == "offline" and rows[0][7] == 0.0 and rows[0][9] == "ok" and rows[0][4] > 0


def test_offline_provider_is_deterministic():
    provider = get_provider("offline")
    request = CompletionRequest(purpose="generate", messages=[], context={"prompt": "A yoga studio in Brighton"})
    assert provider.complete(request).text == provider.complete(request).text


def test_offline_provider_streams_and_can_be_cancelled():
    cancel = threading.Event()
    pieces = []

    def on_text(piece):
        pieces.append(piece)
        if len(pieces) == 3:
            cancel.set()

    with pytest.raises(BuildStoppedError):
        get_provider("offline").complete(
            CompletionRequest(purpose="generate", messages=[], session_id="s-c", context={"prompt": "A bakery"}),
            on_text=on_text, cancel=cancel)
    assert len(pieces) == 3
    assert _calls(session_id="s-c")[0][9] == "cancelled"


# -- anthropic against the fake Messages API ----------------------------------------------------------
def test_streamed_text_reaches_the_caller_piece_by_piece():
    api = FakeMessagesAPI(chunk_chars=5).then(Reply(text="Hello from the fake model!"))
    pieces = []
    completion = _provider(api).complete(_request(), on_text=pieces.append)
    assert len(pieces) >= 5 and "".join(pieces) == "Hello from the fake model!"
    assert completion.text == "Hello from the fake model!" and completion.stop_reason == "end_turn"


def test_constraints_are_sent_as_a_cached_system_block():
    api = FakeMessagesAPI().then(Reply(text="ok"))
    _provider(api).complete(_request())
    system = api.requests[0].body["system"]
    assert system[0]["cache_control"] == {"type": "ephemeral"} and system[0]["text"] == SYSTEM
    assert api.requests[0].body["stream"] is True


def test_usage_and_cost_are_recorded_exactly_with_cache_write_then_read():
    api = FakeMessagesAPI().then(Reply(text="a" * 400), Reply(text="b" * 800))
    provider = _provider(api)
    first = provider.complete(_request(session_id="s-cost"))
    second = provider.complete(_request(session_id="s-cost"))
    assert first.usage.cache_creation_input_tokens == 6000 and first.usage.cache_read_input_tokens == 0
    assert second.usage.cache_read_input_tokens == 6000 and second.usage.cache_creation_input_tokens == 0
    assert first.usage.output_tokens == 100 and second.usage.output_tokens == 200
    rows = _calls(session_id="s-cost")
    for row, completion in zip(rows, (first, second), strict=True):
        _, model, purpose, inp, out, cw, cr, cost, version, status, _, _ = row
        expected = (inp * 3 + cw * 3.75 + cr * 0.30 + out * 15) / 1e6
        assert (model, purpose, status, version) == ("claude-sonnet-4-6", "generate", "ok", "anthropic-2026-11-01")
        assert cost == pytest.approx(expected) and cost == pytest.approx(completion.cost_usd)
        assert (inp, out, cw, cr) == (completion.usage.input_tokens, completion.usage.output_tokens,
                                      completion.usage.cache_creation_input_tokens,
                                      completion.usage.cache_read_input_tokens)


def test_a_429_then_success_is_retried():
    api = FakeMessagesAPI().fail(429).then(Reply(text="second time lucky"))
    completion = _provider(api).complete(_request(session_id="s-429"))
    assert completion.text == "second time lucky" and completion.attempts == 2
    statuses = [(r[9], r[10]) for r in _calls(session_id="s-429")]
    assert statuses == [("error", "rate_limited"), ("ok", None)]


def test_retry_waits_with_backoff_and_honours_retry_after():
    waits = []
    api = FakeMessagesAPI().fail(429, retry_after=7).fail(529).then(Reply(text="ok"))
    AnthropicProvider(client=api.client(), sleep=waits.append, base_delay=1.0).complete(_request())
    assert waits[0] >= 7 and 1.0 <= waits[1] <= 2.0


def test_repeated_529_ends_in_a_clear_rate_limit_error():
    api = FakeMessagesAPI().fail(529, times=4)
    with pytest.raises(RateLimitedError, match="overloaded.*4 attempt"):
        _provider(api).complete(_request(session_id="s-529"))
    assert len(_calls(session_id="s-529")) == 4


def test_repeated_500_ends_in_a_provider_error():
    api = FakeMessagesAPI().fail(500, times=4)
    with pytest.raises(ProviderError, match="HTTP 500 after 4 attempt"):
        _provider(api).complete(_request())


def test_an_error_event_mid_stream_is_retried():
    api = FakeMessagesAPI(chunk_chars=4).then(Reply(text="partial answer", stream_error_after=8,
                                                    error_type="overloaded_error"), Reply(text="full answer"))
    pieces = []
    completion = _provider(api).complete(_request(session_id="s-mid"), on_text=pieces.append)
    assert completion.text == "full answer" and "retrying" in "".join(pieces)
    assert [r[9] for r in _calls(session_id="s-mid")] == ["error", "ok"]


def test_a_bad_key_is_not_retried_and_never_leaks(monkeypatch):
    monkeypatch.setenv("ANTHROPIC_API_KEY", "sk-ant-super-secret-value-123456")
    api = FakeMessagesAPI().fail(401)
    with pytest.raises(MissingKeyError) as info:
        _provider(api).complete(_request())
    assert "super-secret" not in str(info.value) and "ANTHROPIC_API_KEY" in str(info.value)
    assert len(api.requests) == 1


def test_unknown_model_call_is_flagged_unpriced():
    api = FakeMessagesAPI().then(Reply(text="hi"))
    completion = _provider(api).complete(_request(model="claude-mystery-9", session_id="s-unpriced"))
    assert completion.cost_usd is None
    row = _calls(session_id="s-unpriced")[0]
    assert row[7] is None and json.loads(row[11])["unpriced"] is True


def test_cancel_while_streaming_stops_and_records_it():
    api = FakeMessagesAPI(chunk_chars=2).then(Reply(text="x" * 200))
    cancel = threading.Event()
    seen = []

    def on_text(piece):
        seen.append(piece)
        if len(seen) == 5:
            cancel.set()

    with pytest.raises(BuildStoppedError):
        _provider(api).complete(_request(session_id="s-stop"), on_text=on_text, cancel=cancel)
    assert len(seen) == 5 and _calls(session_id="s-stop")[0][9] == "cancelled"


def test_base_url_reaches_a_loopback_server(monkeypatch):
    api = FakeMessagesAPI().then(Reply(text="over real HTTP"))
    base_url, stop = serve(api)
    try:
        monkeypatch.setenv("ANTHROPIC_API_KEY", "sk-ant-loopback")
        monkeypatch.setenv("ANTHROPIC_BASE_URL", base_url)
        provider = get_provider()
        assert provider.name == "anthropic"
        pieces = []
        completion = provider.complete(_request(), on_text=pieces.append)
    finally:
        stop()
    assert completion.text == "over real HTTP" and len(pieces) >= 1
    assert api.requests[0].path == "/v1/messages"
    assert "sk-ant-loopback" in (api.requests[0].headers.get("x-api-key", "") +
                                 api.requests[0].headers.get("authorization", ""))


def test_loopback_server_429_then_success(monkeypatch):
    api = FakeMessagesAPI().fail(429).then(Reply(text="ok now"))
    base_url, stop = serve(api)
    try:
        monkeypatch.setenv("ANTHROPIC_API_KEY", "sk-ant-loopback")
        monkeypatch.setenv("ANTHROPIC_BASE_URL", base_url)
        completion = AnthropicProvider(sleep=lambda s: None).complete(_request())
    finally:
        stop()
    assert completion.text == "ok now" and completion.attempts == 2


def test_a_timeout_then_success_is_retried():
    import httpx2

    api = FakeMessagesAPI().then(Reply(text="after the timeout"))
    attempts = {"n": 0}
    inner = api.transport()

    def handler(request):
        attempts["n"] += 1
        if attempts["n"] == 1:
            raise httpx2.ReadTimeout("the fake timed out", request=request)
        return inner.handle_request(request)

    import anthropic

    client = anthropic.Anthropic(api_key="test", max_retries=0,
                                 http_client=httpx2.Client(transport=httpx2.MockTransport(handler)))
    completion = AnthropicProvider(client=client, sleep=lambda s: None).complete(_request(session_id="s-timeout"))
    assert completion.text == "after the timeout" and completion.attempts == 2
    assert [(r[9], r[10]) for r in _calls(session_id="s-timeout")] == [("error", "timeout"), ("ok", None)]
