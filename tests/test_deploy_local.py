"""The local deployer, the sites server, deploy records and events, rollback, and the sites CLI."""

from __future__ import annotations

import json
import threading
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from click.testing import CliRunner

from faibric_kernel.cli import main
from faibric_kernel.deploy import (
    DEPLOYERS,
    DeployCancelledError,
    SiteToDeploy,
    deploy_history,
    deploy_site,
    deploy_version,
    get_deployer,
    list_sites,
    prepare_site,
    stop_sites_server,
)
from faibric_kernel.deploy.local import public_site_id
from faibric_kernel.errors import DeployError, InvalidInputError, NotFoundError, ValidationFailedError
from faibric_kernel.preview.sample import sample_project
from faibric_kernel.store import read_connection, state_connection

CHROMIUM = Path("/usr/bin/chromium")


@pytest.fixture(autouse=True)
def sites_server_in_thread(monkeypatch):
    """A sites server per test workspace, in this process, on any free port."""
    monkeypatch.setenv("FAIBRIC_SITES_SERVER", "thread")
    monkeypatch.setenv("FAIBRIC_SITES_PORT", "0")
    yield
    stop_sites_server()


def fetch(url: str) -> tuple[int, str, dict]:
    try:
        with urllib.request.urlopen(url, timeout=5) as resp:
            return resp.status, resp.read().decode(), dict(resp.headers)
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode(), dict(exc.headers)


def events_of(event_type: str) -> list[dict]:
    with read_connection() as con:
        rows = con.execute(
            "SELECT session_id, CAST(properties AS VARCHAR) FROM events WHERE event_type = ? ORDER BY ts",
            [event_type],
        ).fetchall()
    return [{"session_id": s, **json.loads(p)} for s, p in rows]


def site(site_id: str = "s-demo", components: int = 4, version: int = 1) -> SiteToDeploy:
    return prepare_site(sample_project(components), site_id=site_id, session_id=site_id, version=version)


def test_registry_lists_the_four_targets():
    assert {"local", "github", "render", "github+render"} <= set(DEPLOYERS)
    for cls in DEPLOYERS.values():
        assert cls.name and isinstance(cls.needs_key, bool)
        assert (cls.key_env_var is not None) == cls.needs_key


def test_unknown_target_names_the_known_ones():
    with pytest.raises(InvalidInputError, match="local"):
        get_deployer("ftp")


def test_site_ids_that_are_not_path_segments_are_refused():
    with pytest.raises(InvalidInputError):
        SiteToDeploy("../x", None, "default", None, None, {}, None)


def test_local_deploy_serves_the_site_over_http():
    result = deploy_site(site())
    assert result.status == "live"
    assert result.url.startswith("http://127.0.0.1:") and result.url.endswith(f"/{public_site_id('s-demo')}/")
    assert "s-demo" not in result.url  # the URL does not give the session (site) id away
    status, body, headers = fetch(result.url)
    assert status == 200 and '<div id="root">' in body
    status, js, headers = fetch(result.url + "assets/index.js")
    assert status == 200 and "javascript" in headers["Content-Type"]


def test_client_routes_fall_back_to_index_html_with_a_base():
    url = deploy_site(site()).url
    status, body, _ = fetch(url + "menu/today")
    assert status == 200
    assert f'<base href="/{public_site_id("s-demo")}/">' in body


def test_missing_assets_are_404_not_index_html():
    url = deploy_site(site()).url
    status, _, _ = fetch(url + "assets/nothing.js")
    assert status == 404


def test_paths_cannot_leave_the_site_folder():
    url = deploy_site(site()).url
    status, _, _ = fetch(url + "..%2F..%2F.releases")
    assert status == 404


def test_redeploy_switches_to_the_new_release():
    first = deploy_site(site(components=2))
    second = deploy_site(prepare_site(sample_project(2, title="New Name"), site_id="s-demo", version=2))
    assert first.url == second.url
    _, body, _ = fetch(second.url)
    assert "<title>New Name</title>" in body


def test_deploy_is_recorded_with_timings_and_events():
    result = deploy_site(site())
    [row] = deploy_history(site_id="s-demo")
    assert row["status"] == "live" and row["target"] == "local" and row["url"] == result.url
    assert row["finished_at"] >= row["started_at"]
    assert row["remote_ids"]["local_release"]
    assert row["properties"]["files"] > 0
    assert [e["deploy_id"] for e in events_of("deploy_started")] == [result.deploy_id]
    [deployed] = events_of("deployed")
    assert deployed["url"] == result.url and deployed["session_id"] == "s-demo"


def test_failed_deploy_is_recorded_and_emits_deploy_failed():
    broken = SiteToDeploy("s-broken", "s-broken", "default", None, 1, {"index.html": "x"}, Path("/nonexistent"))
    with pytest.raises(DeployError) as info:
        deploy_site(broken)
    [row] = deploy_history(site_id="s-broken")
    assert row["status"] == "failed" and "index.html" in row["error"]
    [event] = events_of("deploy_failed")
    assert event["reason"] == info.value.message
    assert info.value.details["deploy_id"] == row["deploy_id"]


def test_failure_can_be_returned_instead_of_raised():
    broken = SiteToDeploy("s-broken", None, "default", None, 1, {}, None)
    result = deploy_site(broken, raise_errors=False)
    assert result.status == "failed" and result.error


def test_cancelled_deploy_ends_canceled():
    cancel = threading.Event()
    cancel.set()
    with pytest.raises(DeployCancelledError):
        deploy_site(site(), cancel=cancel)
    [row] = deploy_history(site_id="s-demo")
    assert row["status"] == "canceled"


def test_prepare_site_refuses_code_that_does_not_bundle():
    files = sample_project(2)
    files["src/App.jsx"] = "export default function App() { return <div>; }\n"
    with pytest.raises(ValidationFailedError) as info:
        prepare_site(files, site_id="s-bad")
    assert info.value.details["issues"][0]["file"] == "src/App.jsx"


def _store_versions(session_id: str, versions: dict[int, dict[str, str]]) -> None:
    with state_connection() as con:
        con.execute(
            "INSERT INTO projects VALUES (?, ?, 'default', 'demo', ?, now(), now())",
            [f"p-{session_id}", session_id, max(versions)],
        )
        for number, files in versions.items():
            con.execute(
                "INSERT INTO project_versions (project_id, version, created_at, kind, files) VALUES (?, ?, now(), 'build', ?)",
                [f"p-{session_id}", number, json.dumps(files)],
            )


def test_any_earlier_version_can_be_deployed_again():
    _store_versions("s-roll", {1: sample_project(2, title="Version One"), 2: sample_project(2, title="Version Two")})
    current = deploy_version("s-roll")
    assert current.status == "live" and "<title>Version Two</title>" in fetch(current.url)[1]
    rolled_back = deploy_version("s-roll", version=1)
    assert rolled_back.url == current.url
    assert "<title>Version One</title>" in fetch(rolled_back.url)[1]
    assert [r["version"] for r in deploy_history(site_id="s-roll")] == [1, 2]


def test_deploying_a_missing_version_names_the_known_ones():
    _store_versions("s-roll", {1: sample_project(2)})
    with pytest.raises(NotFoundError, match="versions: 1"):
        deploy_version("s-roll", version=7)


def test_sites_list_json_shows_the_live_url():
    result = deploy_site(site())
    out = CliRunner().invoke(main, ["sites", "list", "--json"])
    assert out.exit_code == 0, out.output
    [entry] = json.loads(out.stdout)
    assert entry["site_id"] == "s-demo" and entry["url"] == result.url and entry["status"] == "live"
    assert list_sites()[0]["deploys"] == 1


def test_sites_server_lists_nothing_and_its_health_says_only_ok(monkeypatch):
    from faibric_kernel.deploy import serve_sites
    from faibric_kernel.deploy.local import KEY_HEADER, sites_key

    served = public_site_id("s-one")
    deploy_site(site("s-one"))
    server = serve_sites(0)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        assert fetch(server.url + "/")[0] == 404  # no list of sites for strangers
        status, body, _ = fetch(server.url + "/__faibric__/health")
        assert status == 200 and body.strip() == "ok"  # no workspace path, no pid
        mine = urllib.request.Request(server.url + "/__faibric__/health", headers={KEY_HEADER: sites_key()})
        with urllib.request.urlopen(mine, timeout=10) as resp:
            health = json.loads(resp.read())
        assert health["service"] == "faibric-sites" and health["root"] == str(server.root)
        assert fetch(server.url + f"/{served}")[0] == 200  # redirected to /<site>/
        monkeypatch.setenv("FAIBRIC_SITES_INDEX", "1")
        status, body, _ = fetch(server.url + "/")
        assert status == 200 and f'href="/{served}/"' in body
    finally:
        server.shutdown()
        server.server_close()


def test_detached_server_outlives_the_deploy_and_stops_on_request(monkeypatch):
    from faibric_kernel.health import check_health

    monkeypatch.setenv("FAIBRIC_SITES_SERVER", "process")
    result = deploy_site(site())
    try:
        assert fetch(result.url)[0] == 200
        again = deploy_site(site())
        assert again.url == result.url
        health = check_health()["checks"]["sites_server"]
        assert result.url.startswith(health["url"]) and "faibric sites stop" in health["detail"]
    finally:
        stopped = stop_sites_server()
    assert stopped["process"]
    assert check_health()["checks"]["sites_server"]["url"] is None


@pytest.mark.browser
@pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian's chromium is not installed at /usr/bin/chromium (apt-get install chromium)")
def test_locally_deployed_site_opens_in_chromium_without_console_errors():
    from faibric_kernel.preview import check_site

    result = deploy_site(site(components=15))
    check = check_site(result.url)
    assert check.rendered, "the React app did not render into #root"
    assert check.console_errors == [] and check.page_errors == []
    assert check.blocked_requests == []
    assert check.overflow_px == 0
    assert check.violations == []


def _raw(server, request: bytes, timeout: float = 10) -> bytes:
    import socket

    with socket.create_connection(("127.0.0.1", server.port), timeout=timeout) as conn:
        conn.sendall(request)
        chunks = []
        while True:
            chunk = conn.recv(65536)
            if not chunk:
                return b"".join(chunks)
            chunks.append(chunk)


@pytest.fixture
def sites_server(capfd):
    from faibric_kernel.deploy import serve_sites

    deploy_site(site())
    server = serve_sites(0)
    server.RequestHandlerClass.timeout = 0.5  # the read timeout, short for the test
    server.RequestHandlerClass.header_deadline = 1.0
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield server
    server.shutdown()
    server.server_close()


def test_a_nul_byte_or_an_over_long_path_is_a_4xx_with_one_log_line(sites_server, capfd):
    served = public_site_id("s-demo")
    capfd.readouterr()
    assert _raw(sites_server, f"GET /{served}/%00 HTTP/1.1\r\nHost: x\r\n\r\n".encode()).startswith(b"HTTP/1.0 400")
    long_name = "a" * 1500
    assert _raw(sites_server, f"GET /{served}/{long_name} HTTP/1.1\r\nHost: x\r\n\r\n".encode()).startswith(
        b"HTTP/1.0 404")
    assert _raw(sites_server, f"GET /{'b' * 3000} HTTP/1.1\r\nHost: x\r\n\r\n".encode()).startswith(b"HTTP/1.0 404")
    logged = capfd.readouterr().err
    assert "Traceback" not in logged and len(logged.strip().splitlines()) <= 3, logged


def test_oversized_headers_and_slow_clients_are_cut_off(sites_server):
    big = b"GET / HTTP/1.1\r\nHost: x\r\n" + b"".join(b"X-Pad-%d: %s\r\n" % (i, b"y" * 1000) for i in range(20)) + b"\r\n"
    assert _raw(sites_server, big).startswith(b"HTTP/1.0 431")
    # never finishes its headers: the server hangs up (well before this client's own 10 s would run out)
    assert _raw(sites_server, b"GET / HTTP/1.1\r\nHost: x\r\n") == b""


def test_the_redirect_to_a_site_s_folder_does_not_use_the_host_header(sites_server):
    served = public_site_id("s-demo")
    answer = _raw(sites_server, f"GET /{served} HTTP/1.1\r\nHost: evil.example.com\r\n\r\n".encode())
    assert answer.startswith(b"HTTP/1.0 301") and f"Location: /{served}/".encode() in answer
    assert b"evil.example.com" not in answer


def test_a_client_trickling_its_headers_is_hung_up_on(sites_server):
    import socket
    import time

    with socket.create_connection(("127.0.0.1", sites_server.port), timeout=10) as conn:
        sent = 0
        trickle = b"GET / HTTP/1.1\r\nHost: x\r\n" + b"X-Slow: " + b"y" * 200
        try:
            for byte in trickle:  # one byte every 50 ms: each read arrives well within the read timeout
                conn.sendall(bytes([byte]))
                sent += 1
                time.sleep(0.05)
            closed = conn.recv(1) == b""
        except (BrokenPipeError, ConnectionResetError):
            closed = True
    assert closed and sent < len(trickle)  # the server hung up before the client was done


def test_a_site_deployed_on_one_host_is_served_by_another_hosts_sites_server(tmp_path, monkeypatch):
    """With FAIBRIC_SITES_DIR shared, host B's sites server serves what host A deployed, at the same path."""
    from urllib.parse import urlparse

    from faibric_kernel.deploy import serve_sites

    shared = tmp_path / "shared-sites"
    monkeypatch.setenv("FAIBRIC_SITES_DIR", str(shared))
    monkeypatch.setenv("FAIBRIC_HOME", str(tmp_path / "host-a"))
    path = urlparse(deploy_site(site()).url).path
    stop_sites_server()  # host A's server goes away: B's alone answers below
    monkeypatch.setenv("FAIBRIC_HOME", str(tmp_path / "host-b"))
    assert path == f"/{public_site_id('s-demo')}/"  # B names the site as A did: the key is in the shared folder
    server = serve_sites(0)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        status, body, _ = fetch(f"http://127.0.0.1:{server.port}{path}")
        assert status == 200 and '<div id="root">' in body
        assert fetch(f"http://127.0.0.1:{server.port}/.sites-server.key")[0] == 404
    finally:
        server.shutdown()
        server.server_close()
    assert (shared / ".sites-server.key").is_file()
    assert not (tmp_path / "host-a" / "run" / "sites-server.key").exists()


def test_without_a_shared_folder_sites_live_in_the_workspace(workspace):
    from faibric_kernel.deploy.local import sites_dir

    assert sites_dir() == workspace / "sites"
