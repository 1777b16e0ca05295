"""A stand-in for ``build.run_build`` / ``build.modify_site`` with the same signature and session rules.

It moves the session through the lifecycle the way the real pipeline does
(``building`` -> ``deployed``, or ``stopped`` on cancel), reports progress,
and can be held at a stage with a gate so tests can observe a running build.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field

from faibric_kernel.errors import BuildError, BuildStoppedError
from faibric_kernel.sessions import transition, update_session
from faibric_kernel.store import record_event

STAGES = [("generate", 25.0), ("validate", 50.0), ("preview", 75.0), ("deploy", 90.0)]


@dataclass
class FakeResult:
    session_id: str
    status: str
    url: str | None
    version: int = 1
    files: list = field(default_factory=lambda: ["src/App.jsx"])
    project_dir: str | None = None
    cost_usd: float = 0.0


class FakeBuilds:
    """Builds that take ``step_seconds`` per stage; ``gate`` (an Event) holds them before the first stage."""

    def __init__(self, step_seconds: float = 0.01, gate: threading.Event | None = None, fail: str | None = None,
                 leave_building: bool = False, ignore_cancel: bool = False):
        self.step_seconds = step_seconds
        self.gate = gate
        self.fail = fail
        self.leave_building = leave_building
        self.ignore_cancel = ignore_cancel
        self.started = threading.Event()
        self.calls: list[tuple] = []
        self.concurrent = 0
        self.max_concurrent = 0
        self._lock = threading.Lock()

    def _wait(self, seconds: float, cancel, session_id: str) -> None:
        deadline = time.monotonic() + seconds
        while True:
            if cancel is not None and cancel.is_set() and not self.ignore_cancel:
                transition(session_id, "stopped", reason="stopped on request", expected="building")
                raise BuildStoppedError(f"the build of {session_id} was stopped")
            if time.monotonic() >= deadline and (self.gate is None or self.gate.is_set()):
                return
            time.sleep(0.005)

    def _stages(self, session_id, on_progress, cancel):
        with self._lock:
            self.concurrent += 1
            self.max_concurrent = max(self.max_concurrent, self.concurrent)
        try:
            self.started.set()
            for stage, percent in STAGES:
                self._wait(self.step_seconds, cancel, session_id)
                if on_progress:
                    on_progress(stage, percent, f"{stage} step")
        finally:
            with self._lock:
                self.concurrent -= 1

    def _deploy(self, session_id: str) -> str:
        url = f"http://127.0.0.1:8999/sites/{session_id}/"
        update_session(session_id, url=url)
        transition(session_id, "deployed", expected="building")
        record_event("deployed", session_id=session_id, properties={"url": url, "target": "local"})
        return url

    def run_build(self, session_id, *, provider=None, model=None, deploy_target="local", on_progress=None,
                  on_text=None, cancel=None):
        self.calls.append(("build", session_id, provider, deploy_target))
        transition(session_id, "building", properties={"provider": provider or "fake"})
        self._stages(session_id, on_progress, cancel)
        if self.fail:
            if self.leave_building:
                raise RuntimeError(self.fail)
            transition(session_id, "error", reason=self.fail, expected="building")
            raise BuildError(self.fail)
        if self.leave_building:
            return FakeResult(session_id, "building", None)
        return FakeResult(session_id, "deployed", self._deploy(session_id))

    def modify_site(self, session_id, request, *, provider=None, on_progress=None, on_text=None, cancel=None):
        self.calls.append(("modify", session_id, request))
        record_event("modification_requested", session_id=session_id, properties={"request_chars": len(request)})
        transition(session_id, "building", properties={"kind": "modify"})
        self._stages(session_id, on_progress, cancel)
        record_event("modification_applied", session_id=session_id, properties={"request_chars": len(request)})
        return FakeResult(session_id, "deployed", self._deploy(session_id), version=2)
