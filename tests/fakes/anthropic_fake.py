"""A fake Anthropic Messages API: the documented streaming events, real-looking usage, prompt caching.

One :class:`FakeMessagesAPI` answers ``POST /v1/messages`` with ``stream: true``
as the real API does: ``message_start`` (with usage), ``content_block_start``,
``content_block_delta`` (``text_delta``) pieces, ``content_block_stop``,
``message_delta`` (``stop_reason`` and usage) and ``message_stop``. It is
reachable two ways: :meth:`FakeMessagesAPI.client` (an anthropic SDK client on
``httpx2.MockTransport``) and :func:`serve` (a loopback HTTP server, for
``ANTHROPIC_BASE_URL``).

Usage is computed from the request it receives, about four characters a
token: a system block marked ``cache_control`` of at least the model's minimum
cacheable length is written to the fake's cache the first time (cache-creation
tokens) and read from it afterwards (cache-read tokens); output tokens count
the answer's characters. So cost figures recorded through it follow from what
was really sent and received.

Answers: a ``script`` of queued responses (HTTP errors, fixed text, a
``max_tokens`` cut, an error event mid-stream), then the default responder,
which plays a competent model: it classifies, writes sites (with the offline
composer, using only the library components the prompt offers), and makes
search/replace edits, all from the text of the request.
"""

from __future__ import annotations

import hashlib
import json
import math
import re
import threading
from collections import deque
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

CACHE_MINIMUM = {"haiku": 4096, "default": 1024}  # Haiku 4.5 caches from 4,096 tokens, Sonnet from 1,024


def tokens(text: str) -> int:
    return math.ceil(len(text) / 4) if text else 0


@dataclass
class Reply:
    """One scripted answer. ``status`` other than 200 is an HTTP error with an error body."""

    status: int = 200
    text: str | None = None
    stop_reason: str = "end_turn"
    error_type: str | None = None
    stream_error_after: int | None = None  # characters sent before an SSE error event
    retry_after: float | None = None


@dataclass
class Seen:
    """What the fake received (for assertions)."""

    body: dict
    headers: dict
    path: str


@dataclass
class FakeMessagesAPI:
    script: deque = field(default_factory=deque)
    requests: list = field(default_factory=list)
    chunk_chars: int = 60
    cache: set = field(default_factory=set)
    responder: object = None
    lock: threading.Lock = field(default_factory=threading.Lock)

    # -- scripting ---------------------------------------------------------------------------------
    def then(self, *replies: Reply) -> FakeMessagesAPI:
        self.script.extend(replies)
        return self

    def fail(self, status: int, times: int = 1, error_type: str | None = None, retry_after: float | None = None):
        kind = error_type or {429: "rate_limit_error", 529: "overloaded_error", 500: "api_error",
                              401: "authentication_error", 400: "invalid_request_error"}.get(status, "api_error")
        return self.then(*[Reply(status=status, error_type=kind, retry_after=retry_after) for _ in range(times)])

    # -- the HTTP exchange ---------------------------------------------------------------------------
    def handle(self, method: str, path: str, headers: dict, raw: bytes) -> tuple[int, dict, bytes]:
        if method != "POST" or not path.rstrip("/").endswith("/v1/messages"):
            return 404, {"content-type": "application/json"}, json.dumps(
                {"type": "error", "error": {"type": "not_found_error", "message": f"no route {path}"}}).encode()
        body = json.loads(raw or b"{}")
        with self.lock:
            self.requests.append(Seen(body, {k.lower(): v for k, v in headers.items()}, path))
            reply = self.script.popleft() if self.script else Reply()
        if reply.status != 200:
            extra = {"retry-after": str(reply.retry_after)} if reply.retry_after is not None else {}
            return reply.status, {"content-type": "application/json", "request-id": "req_fake", **extra}, json.dumps(
                {"type": "error", "error": {"type": reply.error_type, "message": f"fake {reply.status}"}}).encode()
        text, stop = reply.text, reply.stop_reason
        if text is None:
            text = self.answer(body)
            if isinstance(text, tuple):  # a responder may say why it stopped
                text, stop = text
        max_chars = int(body.get("max_tokens", 4096)) * 4
        if len(text) > max_chars:
            text, stop = text[:max_chars], "max_tokens"
        return 200, {"content-type": "text/event-stream", "request-id": "req_fake"}, self._sse(body, text, stop, reply)

    def _usage(self, body: dict) -> dict:
        system = body.get("system") or []
        if isinstance(system, str):
            system = [{"type": "text", "text": system}]
        cached_text = "".join(b.get("text", "") for b in system if b.get("cache_control"))
        plain_system = "".join(b.get("text", "") for b in system if not b.get("cache_control"))
        messages = "".join(
            m["content"] if isinstance(m["content"], str) else "".join(b.get("text", "") for b in m["content"])
            for m in body.get("messages", []))
        creation = read = 0
        input_tokens = tokens(plain_system) + tokens(messages) + 4 * len(body.get("messages", []))
        if cached_text:
            size = tokens(cached_text)
            minimum = CACHE_MINIMUM["haiku" if "haiku" in body.get("model", "") else "default"]
            key = (body.get("model"), hashlib.sha256(cached_text.encode()).hexdigest())
            if size < minimum:
                input_tokens += size
            elif key in self.cache:
                read = size
            else:
                creation = size
                self.cache.add(key)
        return {"input_tokens": input_tokens, "cache_creation_input_tokens": creation,
                "cache_read_input_tokens": read}

    def _sse(self, body: dict, text: str, stop: str, reply: Reply) -> bytes:
        with self.lock:
            usage = self._usage(body)
        out_tokens = tokens(text)
        events = [("message_start", {"type": "message_start", "message": {
            "id": "msg_fake", "type": "message", "role": "assistant", "model": body.get("model"), "content": [],
            "stop_reason": None, "stop_sequence": None, "usage": {**usage, "output_tokens": 1}}}),
            ("content_block_start", {"type": "content_block_start", "index": 0,
                                     "content_block": {"type": "text", "text": ""}}),
            ("ping", {"type": "ping"})]
        limit = len(text) if reply.stream_error_after is None else min(reply.stream_error_after, len(text))
        for start in range(0, limit, self.chunk_chars):
            events.append(("content_block_delta", {"type": "content_block_delta", "index": 0, "delta": {
                "type": "text_delta", "text": text[start:min(start + self.chunk_chars, limit)]}}))
        if reply.stream_error_after is not None:
            events.append(("error", {"type": "error", "error": {"type": reply.error_type or "overloaded_error",
                                                                "message": "Overloaded"}}))
        else:
            events += [("content_block_stop", {"type": "content_block_stop", "index": 0}),
                       ("message_delta", {"type": "message_delta", "delta": {"stop_reason": stop, "stop_sequence": None},
                                          "usage": {"output_tokens": out_tokens}}),
                       ("message_stop", {"type": "message_stop"})]
        return "".join(f"event: {name}\ndata: {json.dumps(data)}\n\n" for name, data in events).encode()

    # -- clients -----------------------------------------------------------------------------------
    def transport(self):
        import httpx2

        def handler(request):
            status, headers, content = self.handle(request.method, request.url.path, dict(request.headers),
                                                   request.content)
            return httpx2.Response(status, headers=headers, content=content)

        return httpx2.MockTransport(handler)

    def client(self):
        """An anthropic SDK client whose HTTP goes to this fake (no SDK retries: the provider retries)."""
        import anthropic
        import httpx2

        return anthropic.Anthropic(api_key="test", http_client=httpx2.Client(transport=self.transport()),
                                   max_retries=0)

    # -- the default answers -------------------------------------------------------------------------
    def answer(self, body: dict) -> str:
        if self.responder is not None:
            return self.responder(body)
        return default_answer(body)


def _user_text(body: dict) -> str:
    for message in reversed(body.get("messages", [])):
        if message["role"] == "user":
            content = message["content"]
            return content if isinstance(content, str) else "".join(b.get("text", "") for b in content)
    return ""


def _system_text(body: dict) -> str:
    system = body.get("system") or ""
    return system if isinstance(system, str) else "".join(b.get("text", "") for b in system)


def default_answer(body: dict) -> str:
    """What a competent model would answer, worked out from the request text alone."""
    system, user = _system_text(body), _user_text(body)
    if "You classify website requests" in system:
        from faibric_kernel.generation.brief import analyse_prompt

        prompt = user.split("Request:\n", 1)[-1]
        brief = analyse_prompt(prompt)
        return json.dumps({"kind": brief.kind, "business_name": brief.business_name if brief.name_given else None,
                           "location": brief.location, "noun": brief.noun, "sections": brief.requested_sections,
                           "tone": brief.tone})
    if "You route change requests" in system:
        from faibric_kernel.providers.offline.changes import classify_change

        files = {p: "" for p in re.findall(r"^- (\S+) \(\d+ lines\)$", user, re.M)}
        plan = classify_change(user.split("Request:\n", 1)[-1], files)
        return json.dumps({"kind": plan.kind, "files": plan.files, "summary": plan.summary})
    if user.startswith("Write new section components"):
        return _components_answer(user)
    if user.startswith("Compose this website") or user.startswith("Build this website"):
        return _compose_answer(user)
    if user.startswith("Change the website as requested"):
        return _change_answer(user)
    if "contained no files in the required format" in user:
        original = next((m["content"] for m in body["messages"] if m["role"] == "user"), "")
        return default_answer({**body, "messages": [{"role": "user", "content": original}]})
    if "Validation found these problems" in user:
        return "I cannot see a problem to fix."
    return "I am a fake model and did not understand the request."


def _brief_from(user: str):
    from faibric_kernel.generation.brief import SiteBrief

    brief_json = user.split("Brief (worked out from the request):\n", 1)[1].split("\n\nSections, in page order", 1)[0]
    prompt = user.split("<request>\n", 1)[1].split("\n</request>", 1)[0]
    seed = int(hashlib.sha256(prompt.encode()).hexdigest()[:8], 16)
    return SiteBrief.from_dict({**json.loads(brief_json), "prompt": prompt, "seed": seed})


def _tags(files: dict[str, str]) -> str:
    return "\n\n".join(f'<file path="{p}">\n{c}</file>' for p, c in files.items()) + "\n"


def _components_answer(user: str) -> str:
    from faibric_kernel.generation.components import component_files

    files: dict[str, str] = {}
    for section in re.findall(r"^- src/components/\w+\.jsx and .*? for the ([\w-]+) section;", user, re.M):
        files.update(component_files(section)[1])
    return "Here are the new components.\n\n" + _tags(files)


def _compose_answer(user: str) -> str:
    from faibric_kernel import library
    from faibric_kernel.providers.offline.compose import compose_site

    brief = _brief_from(user)
    provided = set(re.findall(r"^- (\S+)$", user.split("These files already exist", 1)[1].split("\n\n", 1)[0], re.M))
    block = user.split("Library components in the project", 1)[1].split("Components written for this site:", 1)[0]
    block = block.split("\nWrite:", 1)[0]
    items = {i.name: i for i in library.list_items()}
    reuse = [{"section": section, "component": name, "files": items[name].files, "props": items[name].props}
             for name, section in re.findall(r"^- (\w+) \(section: ([\w-]+)\)", block, re.M) if name in items]
    site = compose_site(brief, reuse)
    return "Here is the site.\n\n" + _tags({p: c for p, c in site.files.items() if p not in provided})


def _change_answer(user: str) -> str:
    from faibric_kernel.generation.edits import Edit, apply_edits
    from faibric_kernel.providers.offline.changes import classify_change, edits_for_change, render_edits

    request = user.split("<change>\n", 1)[1].split("\n</change>", 1)[0]
    files = dict(re.findall(r'<current path="([^"]+)">\n(.*?)</current>', user, re.S))
    plan = classify_change(request, files)
    edits, new_files = edits_for_change(plan, files, None)
    if "by rewriting whole files" in user:
        outcome = apply_edits(files, [Edit(p, s, r) for p, s, r in edits])
        return render_edits([], {p: outcome.files[p] for p in outcome.touched})
    return render_edits(edits, new_files)


class _Handler(BaseHTTPRequestHandler):
    api: FakeMessagesAPI = None  # set per server

    def do_POST(self):  # noqa: N802 - http.server's naming
        length = int(self.headers.get("content-length") or 0)
        raw = self.rfile.read(length)
        status, headers, content = self.api.handle("POST", self.path, dict(self.headers), raw)
        self.send_response(status)
        for key, value in headers.items():
            self.send_header(key, value)
        self.send_header("content-length", str(len(content)))
        self.end_headers()
        self.wfile.write(content)

    def log_message(self, *args):  # quiet
        pass


def serve(api: FakeMessagesAPI):
    """Serve ``api`` on a free loopback port; returns (base_url, stop)."""
    handler = type("Handler", (_Handler,), {"api": api})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()

    def stop():
        server.shutdown()
        server.server_close()

    return f"http://127.0.0.1:{server.server_address[1]}", stop
