"""Session-status under load: requests/s and latency percentiles with 50 concurrent clients on loopback.

Starts ``faibric serve`` in its own process (its own workspace unless
FAIBRIC_HOME is set), creates and verifies a session (so it has its session
secret), then runs N keep-alive clients that poll ``GET
/api/session-status/{id}`` with ``Authorization: Bearer <secret>`` as fast as
they can for a while. The
clients are plain asyncio sockets so that the client side costs little next to
the server. Target: p99 <= 50 ms.

Two phases, both with 50 clients: *saturated* (each client sends its next
request as soon as the answer arrives: the most the server does per second;
its latency is queueing, mean = clients / throughput) and *paced* (each client
polls every ``--interval-ms``, default 100 ms, i.e. 10x faster than a
browser polling once a second: the latency a polling customer sees).

    python benchmarks/bench_api.py [--clients 50] [--seconds 10] [--interval-ms 100] [--sessions 1]
                                   [--no-cache] [--during-build]

``--no-cache`` sets FAIBRIC_STATUS_CACHE_SECONDS=0 (every request reads the
database); ``--during-build`` verifies the session and starts a real build
(offline provider, local deploy) just before measuring, so the server is busy.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from email import message_from_bytes
from email.policy import default as default_policy
from pathlib import Path

import httpx

TARGET_P99_MS = 50.0


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(home: Path, port: int, cache: bool) -> subprocess.Popen:
    env = {**os.environ, "FAIBRIC_HOME": str(home), "FAIBRIC_RATE_STATUS_PER_IP": "off",
           "FAIBRIC_RATE_INITIAL_PER_IP": "off", "FAIBRIC_RATE_EMAIL_PER_IP": "off",
           "FAIBRIC_RATE_EMAIL_PER_ADDRESS": "off", "FAIBRIC_RATE_VERIFY_PER_IP": "off"}
    if not cache:
        env["FAIBRIC_STATUS_CACHE_SECONDS"] = "0"
    proc = subprocess.Popen(
        [sys.executable, "-c", "from faibric_kernel.cli import main; main()", "serve", "--port", str(port),
         "--no-access-log", "--log-level", "warning"],
        env=env, stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 60
    while True:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/api/health", timeout=2).status_code == 200:
                return proc
        except httpx.TransportError:
            pass
        if proc.poll() is not None or time.monotonic() > deadline:
            raise SystemExit("faibric serve did not start")
        time.sleep(0.1)


def verified_session(client: httpx.Client, home: Path, n: int) -> tuple[str, str]:
    """A new session, verified through its magic link: (session id, session secret)."""
    session_id = client.post("/api/initial-request", json={"prompt": f"site {n}"}).json()["session_id"]
    email = f"bench{n}@example.com"
    client.post("/api/provide-email", json={"session_id": session_id, "email": email})
    for path in sorted((home / "outbox").glob("*.eml"), reverse=True):
        message = message_from_bytes(path.read_bytes(), policy=default_policy)
        if message["To"] == email:
            link = re.search(r"/api/verify/[A-Za-z0-9_-]+", message.get_body(("plain",)).get_content()).group(0)
            return session_id, client.get(link).json()["session_secret"]
    raise SystemExit(f"no magic link for {email} in {home / 'outbox'}")


def prepare_sessions(base: str, home: Path, count: int, build: bool) -> list[tuple[str, str]]:
    with httpx.Client(base_url=base, timeout=30) as client:
        sessions = [verified_session(client, home, n) for n in range(count)]
        if build:
            client.post("/api/trigger-build", json={"session_id": sessions[0][0]},
                        headers={"Authorization": f"Bearer {sessions[0][1]}"})
    return sessions


async def client_loop(port: int, target: tuple[str, str], stop_at: float, latencies: list[float],
                      errors: list[str], interval: float = 0.0) -> None:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    path, secret = target
    request = (f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: application/json\r\n"
               f"Authorization: Bearer {secret}\r\n\r\n").encode()
    try:
        while time.perf_counter() < stop_at:
            began = time.perf_counter()
            writer.write(request)
            head = await reader.readuntil(b"\r\n\r\n")
            length = int(re.search(rb"(?i)content-length:\s*(\d+)", head).group(1))
            body = await reader.readexactly(length)
            latencies.append(time.perf_counter() - began)
            if not head.startswith(b"HTTP/1.1 200"):
                errors.append(head.split(b"\r\n")[0].decode() + " " + body[:120].decode(errors="replace"))
            if interval:
                await asyncio.sleep(max(0.0, began + interval - time.perf_counter()))
    finally:
        writer.close()


async def load(port: int, paths: list[str], clients: int, seconds: float,
               interval: float = 0.0) -> tuple[list[float], list[str], float]:
    latencies: list[float] = []
    errors: list[str] = []
    began = time.perf_counter()
    stop_at = began + seconds

    async def staggered(index: int):
        if interval:
            await asyncio.sleep(interval * index / clients)  # spread the paced clients over one interval
        await client_loop(port, paths[index % len(paths)], stop_at, latencies, errors, interval)

    await asyncio.gather(*(staggered(i) for i in range(clients)))
    return latencies, errors, time.perf_counter() - began


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q / 100 * (len(ordered) - 1))))]


def summarise(phase: str, latencies: list[float], errors: list[str], elapsed: float) -> dict:
    ms = [v * 1000 for v in latencies]
    return {
        "phase": phase,
        "requests": len(ms),
        "errors": len(errors),
        "first_error": errors[0] if errors else None,
        "requests_per_s": round(len(ms) / elapsed, 1),
        "p50_ms": round(percentile(ms, 50), 2),
        "p90_ms": round(percentile(ms, 90), 2),
        "p99_ms": round(percentile(ms, 99), 2),
        "max_ms": round(max(ms), 2),
        "mean_ms": round(statistics.fmean(ms), 2),
        "meets_target": percentile(ms, 99) <= TARGET_P99_MS,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=10.0, help="length of each phase")
    parser.add_argument("--interval-ms", type=float, default=100.0, help="poll interval of the paced phase")
    parser.add_argument("--no-cache", action="store_true", help="read the database on every request")
    parser.add_argument("--during-build", action="store_true", help="measure while a real build runs")
    parser.add_argument("--sessions", type=int, default=1, help="spread the clients over this many sessions")
    args = parser.parse_args()

    home = Path(os.environ.get("FAIBRIC_HOME") or tempfile.mkdtemp(prefix="faibric-bench-api-"))
    port = free_port()
    server = start_server(home, port, cache=not args.no_cache)
    load_before = os.getloadavg()[0]
    try:
        sessions = prepare_sessions(f"http://127.0.0.1:{port}", home, max(1, args.sessions), args.during_build)
        paths = [(f"/api/session-status/{sid}", secret) for sid, secret in sessions]
        path, secret = paths[0]
        asyncio.run(load(port, paths, min(args.clients, 10), 1.0))  # warm up
        saturated = summarise("saturated", *asyncio.run(load(port, paths, args.clients, args.seconds)))
        paced = summarise(f"paced, one poll per client every {args.interval_ms:g} ms",
                          *asyncio.run(load(port, paths, args.clients, args.seconds, args.interval_ms / 1000)))
        final = httpx.get(f"http://127.0.0.1:{port}{path}", headers={"Authorization": f"Bearer {secret}"}).json()
    finally:
        server.terminate()
        server.wait(30)
    figures = {
        "endpoint": "GET /api/session-status/{id} with the session secret",
        "clients": args.clients,
        "sessions": len(paths),
        "seconds_per_phase": args.seconds,
        "cache": not args.no_cache,
        "during_build": args.during_build,
        "target_p99_ms": TARGET_P99_MS,
        "load_average_1m": {"before": round(load_before, 2), "after": round(os.getloadavg()[0], 2),
                            "cpus": os.cpu_count()},
        "phases": [saturated, paced],
        "session_status_at_end": final.get("status"),
    }
    print(f"session-status, {args.clients} concurrent keep-alive clients over {len(paths)} session(s) on loopback"
          f"{' (no cache)' if args.no_cache else ''}{' during a build' if args.during_build else ''}; "
          f"load average {load_before:.1f} on {os.cpu_count()} CPUs")
    for phase in (saturated, paced):
        print(f"  {phase['phase']}: {phase['requests']} requests, {phase['requests_per_s']} requests/s, "
              f"{phase['errors']} errors; p50 {phase['p50_ms']} ms, p90 {phase['p90_ms']} ms, "
              f"p99 {phase['p99_ms']} ms (target <= {TARGET_P99_MS:.0f} ms: "
              f"{'met' if phase['meets_target'] else 'MISSED'}), max {phase['max_ms']} ms")
        if phase["first_error"]:
            print(f"    first error: {phase['first_error']}")
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
