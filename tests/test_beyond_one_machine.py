"""Two machines on one box: API A and API B, worker A and worker B, one PostgreSQL, one lake, one sites folder.

Each host is its own workspace (``FAIBRIC_HOME``) and its own processes (``faibric serve``,
``faibric worker``); what they share is what a real deployment shares: ``FAIBRIC_DATABASE_URL``
(state and the build queue), ``FAIBRIC_LAKE``/``FAIBRIC_LAKE_DATA`` (events) and ``FAIBRIC_SITES_DIR``.
Slow builds use the anthropic provider against the fake Messages API answering 529 with a retry-after,
so a build waits (cancellably) as long as a test needs.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import uuid
from dataclasses import dataclass, field
from email import message_from_bytes
from email.policy import default as default_policy
from pathlib import Path
from urllib.parse import urlparse

import httpx
import psycopg
import pytest
from fakes.anthropic_fake import FakeMessagesAPI, serve

from faibric_kernel.ports import free_port

pytestmark = pytest.mark.slow

CLI = [sys.executable, "-c", "from faibric_kernel.cli import main; main()"]
SETTLED = {"deployed", "ready", "error", "stopped"}


@dataclass
class Cluster:
    """Two hosts' environments and the processes started for them (stopped at the end)."""

    root: Path
    state_url: str
    shared: dict
    anthropic_url: str
    fake: FakeMessagesAPI
    processes: list = field(default_factory=list)
    apis: dict = field(default_factory=dict)

    def home(self, host: str) -> Path:
        return self.root / f"host-{host.lower()}"

    def env(self, host: str) -> dict:
        base = {k: v for k, v in os.environ.items() if not k.startswith(("FAIBRIC_", "ANTHROPIC_"))}
        return {**base, **self.shared, "FAIBRIC_HOME": str(self.home(host)), "FAIBRIC_DATABASE_URL": self.state_url,
                "ANTHROPIC_API_KEY": "sk-ant-fake", "ANTHROPIC_BASE_URL": self.anthropic_url}

    def run(self, host: str, *args: str) -> subprocess.CompletedProcess:
        return subprocess.run([*CLI, *args], env=self.env(host), capture_output=True, text=True, timeout=120)

    def start(self, host: str, *args: str, log: str) -> subprocess.Popen:
        out = (self.root / log).open("w")
        proc = subprocess.Popen([*CLI, *args], env=self.env(host), stdout=out, stderr=subprocess.STDOUT)
        self.processes.append(proc)
        return proc

    def api(self, host: str) -> httpx.Client:
        port = free_port()
        proc = self.start(host, "serve", "--port", str(port), "--no-access-log", log=f"api-{host}.log")
        client = httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=30)
        deadline = time.monotonic() + 60
        while True:
            try:
                if client.get("/api/health").status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if proc.poll() is not None or time.monotonic() > deadline:
                raise AssertionError(f"API {host} did not start: {self.log(f'api-{host}.log')}")
            time.sleep(0.1)
        self.apis[host] = client
        return client

    def worker(self, host: str) -> subprocess.Popen:
        before = self.workers_registered()
        proc = self.start(host, "worker", "--name", f"worker-{host}", log=f"worker-{host}.log")
        deadline = time.monotonic() + 60
        while self.workers_registered() <= before:
            if proc.poll() is not None or time.monotonic() > deadline:
                raise AssertionError(f"worker {host} did not start: {self.log(f'worker-{host}.log')}")
            time.sleep(0.1)
        return proc

    def log(self, name: str) -> str:
        return (self.root / name).read_text(errors="replace")[-3000:]

    def sql(self, query: str, params=()) -> list:
        with psycopg.connect(self.state_url, autocommit=True) as con:
            cursor = con.execute(query, params)
            return cursor.fetchall() if cursor.description else []

    def workers_registered(self) -> int:
        if self.sql("SELECT to_regclass('procrastinate_workers')")[0][0] is None:
            return 0
        return self.sql("SELECT count(*) FROM procrastinate_workers")[0][0]

    def stop_all(self) -> None:
        for proc in self.processes:
            if proc.poll() is None:
                proc.send_signal(signal.SIGTERM)
        for proc in self.processes:
            try:
                proc.wait(30)
            except subprocess.TimeoutExpired:
                proc.kill()
        for client in self.apis.values():
            client.close()


@pytest.fixture
def cluster(postgres, lake_env, tmp_path):
    fake = FakeMessagesAPI()
    anthropic_url, stop_fake = serve(fake)
    database = f"state_{uuid.uuid4().hex[:12]}"
    postgres.create_database(database)
    shared = {**lake_env, "FAIBRIC_SITES_DIR": str(tmp_path / "shared-sites"), "FAIBRIC_SITES_SERVER": "thread",
              "FAIBRIC_SITES_PORT": "0", "FAIBRIC_STATUS_CACHE_SECONDS": "0", "FAIBRIC_INGEST_INTERVAL_SECONDS": "1",
              "FAIBRIC_EMAIL_BACKEND": "outbox"}
    cluster = Cluster(tmp_path, f"postgresql://{postgres.user}@127.0.0.1:{postgres.port}/{database}", shared,
                      anthropic_url, fake)
    initialised = cluster.run("A", "lake", "init")
    assert initialised.returncode == 0, initialised.stderr
    yield cluster
    cluster.stop_all()
    stop_fake()


def _magic_link(home: Path, email: str) -> str:
    for path in sorted((home / "outbox").glob("*.eml"), reverse=True):
        message = message_from_bytes(path.read_bytes(), policy=default_policy)
        if message["To"] == email:
            body = message.get_body(("plain",)).get_content()
            return next(word for word in body.split() if "/api/verify/" in word)
    raise AssertionError(f"no magic link for {email} in {home / 'outbox'}")


def _verified_session(cluster: Cluster, prompt: str, *, start_on: str = "A", verify_on: str = "B") -> tuple[str, dict]:
    """A customer starts on one API and opens the emailed sign-in link on the other; returns (id, auth)."""
    first, second = cluster.apis[start_on], cluster.apis[verify_on]
    created = first.post("/api/initial-request", json={"prompt": prompt})
    assert created.status_code == 201, created.text
    session_id = created.json()["session_id"]
    email = f"customer.{session_id[:8]}@example.com"
    given = first.post("/api/provide-email", json={"session_id": session_id, "email": email})
    assert given.status_code == 200, given.text
    opened = second.get(urlparse(_magic_link(cluster.home(start_on), email)).path)
    assert opened.status_code == 200, opened.text
    return session_id, {"Authorization": f"Bearer {opened.json()['session_secret']}"}


def _poll(client: httpx.Client, session_id: str, auth: dict, until, timeout: float = 120.0) -> tuple[dict, list]:
    """Poll the status until ``until(state)``; returns the last state and every (status, stage) seen."""
    seen = []
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        state = client.get(f"/api/session-status/{session_id}", headers=auth).json()
        if not seen or seen[-1] != (state["status"], state["stage"]):
            seen.append((state["status"], state["stage"]))
        if until(state):
            return state, seen
        time.sleep(0.05)
    raise AssertionError(f"session {session_id} never got there; seen {seen}")


def _settled(state: dict) -> bool:
    return state["status"] in SETTLED and state.get("activity") is None


def test_a_journey_starts_on_api_a_is_built_by_a_worker_and_is_followed_and_changed_through_api_b(cluster):
    cluster.api("A")
    cluster.api("B")
    cluster.worker("A")
    cluster.worker("B")
    session_id, auth = _verified_session(cluster, "a yoga studio in Lisbon called Lotus Flow")

    started = cluster.apis["A"].post("/api/trigger-build", json={"session_id": session_id}, headers=auth)
    assert started.status_code == 202, started.text
    built, seen = _poll(cluster.apis["B"], session_id, auth, _settled)
    assert built["status"] == "deployed", built
    # API B followed the worker's stages, not only the start and the end
    worker_stages = {stage for status, stage in seen if status == "building"} - {"queued", "starting", "building"}
    assert worker_stages, seen
    site = httpx.get(built["url"], timeout=10)
    assert site.status_code == 200 and "Lotus Flow" in site.text

    changed = cluster.apis["B"].post("/api/modify", json={"session_id": session_id,
                                                          "message": "change the headline to Breathe in Lisbon"},
                                     headers=auth)
    assert changed.status_code == 202, changed.text
    after, _ = _poll(cluster.apis["A"], session_id, auth,
                     lambda s: _settled(s) and cluster.sql("SELECT count(*) FROM project_versions")[0][0] == 2)
    assert after["status"] == "deployed"
    changed_files = cluster.sql("SELECT files::text FROM project_versions WHERE version = 2")[0][0]
    assert "Breathe in Lisbon" in changed_files
    # exactly one worker took each job: procrastinate's table is empty of work, and two versions exist
    assert cluster.sql("SELECT count(*) FROM procrastinate_jobs WHERE status IN ('todo', 'doing')")[0][0] == 0

    # both hosts' events reach the lake, and host A's dashboards count them all
    cluster.stop_all()  # the workers and APIs ingest what they recorded as they stop
    for host in ("A", "B"):
        assert cluster.run(host, "ingest").returncode == 0
    counted = cluster.run("A", "analytics", "funnel", "--json")
    assert counted.returncode == 0, counted.stderr
    # the request was made on A, the link opened on B, the build and change done by the workers: host A's
    # funnel (the dashboards' query) sees the one session at every step
    steps = json.loads(counted.stdout)["steps"]
    assert [(s["name"], s["count"]) for s in steps] == [(s["name"], 1) for s in steps]
    by_type = json.loads(cluster.run("A", "events", "count", "--json").stdout)["by_type"]
    assert by_type["verified"] == 1 and by_type["modification_requested"] == 1, by_type


def _slow_build(cluster: Cluster, seconds: float = 4.0, times: int = 4) -> None:
    cluster.fake.fail(529, times=times, retry_after=seconds)


def test_stop_from_api_b_stops_a_build_running_on_worker_a(cluster):
    cluster.api("A")
    cluster.api("B")
    cluster.worker("A")  # the only worker: the build runs on A
    session_id, auth = _verified_session(cluster, "a bakery in Porto called Miga")
    _slow_build(cluster)
    assert cluster.apis["A"].post("/api/trigger-build", json={"session_id": session_id, "provider": "anthropic"},
                                  headers=auth).status_code == 202
    _poll(cluster.apis["B"], session_id, auth, lambda s: s["status"] == "building" and s["stage"] not in
          ("queued", "starting"))
    stopped = cluster.apis["B"].post("/api/stop", json={"session_id": session_id}, headers=auth)
    assert stopped.status_code == 200, stopped.text
    assert stopped.json()["status"] == "stopped", stopped.json()
    assert cluster.sql("SELECT status FROM sessions WHERE session_id = %s", (session_id,)) == [("stopped",)]
    assert "ended with status" in cluster.log("worker-A.log")


def test_a_killed_worker_leaves_no_session_building(cluster):
    cluster.api("A")
    worker_a = cluster.worker("A")
    session_id, auth = _verified_session(cluster, "a bike repair shop in Lyon", verify_on="A")
    _slow_build(cluster, seconds=10)
    assert cluster.apis["A"].post("/api/trigger-build", json={"session_id": session_id, "provider": "anthropic"},
                                  headers=auth).status_code == 202
    _poll(cluster.apis["A"], session_id, auth, lambda s: s["status"] == "building" and s["stage"] not in
          ("queued", "starting"))
    worker_a.kill()  # SIGKILL: no chance to settle anything
    worker_a.wait()
    cluster.worker("B")  # its recovery notices the dead owner
    state, _ = _poll(cluster.apis["A"], session_id, auth, _settled, timeout=60)
    assert state["status"] == "error" and state["reason"] == "interrupted", state
    assert cluster.sql("SELECT count(*) FROM procrastinate_jobs WHERE status = 'doing'")[0][0] == 0
    # the session's lock is free: the next build is taken (by worker B) and finishes
    cluster.fake.script.clear()
    assert cluster.apis["A"].post("/api/trigger-build", json={"session_id": session_id}, headers=auth).status_code \
        == 202
    rebuilt, _ = _poll(cluster.apis["A"], session_id, auth, _settled)
    assert rebuilt["status"] == "deployed", rebuilt
