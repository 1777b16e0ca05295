"""The builder studio, driven headless with Button.click() and by setting values, on the real pipeline."""

from __future__ import annotations

import html
import json
import os
import subprocess
import sys
import threading
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from faibric_kernel.errors import BuildStoppedError
from faibric_kernel.sessions import get_session
from faibric_kernel.store import record_api_call
from faibric_kernel.ui import Studio
from faibric_kernel.ui.backend import StudioBackend
from faibric_kernel.ui.progressive import placeholder_html, sketch_prompt

PROMPT = "A landing page for Doce Vida, a bakery in Lisbon, with a menu and a contact form"


@pytest.fixture(autouse=True)
def sites_in_this_process(monkeypatch):
    # the local deployer serves sites from a thread here, not from a process that outlives the test
    monkeypatch.setenv("FAIBRIC_SITES_SERVER", "thread")


def _srcdoc(studio: Studio) -> str:
    """The document inside the preview iframe, as the browser receives it."""
    value = studio.preview.value
    start = value.index('srcdoc="') + len('srcdoc="')
    return html.unescape(value[start:value.index('"', start)])


def _build(studio: Studio, prompt: str = PROMPT, *, target: str = "none") -> Studio:
    studio.auto_deploy.value = target != "none"
    if target != "none":
        studio.deploy_to.value = target
    studio.prompt.value = prompt
    studio.send_button.click()
    assert studio.wait(180), "the build did not finish"
    return studio


@pytest.fixture
def built():
    """A studio that has built the Doce Vida site offline (preview only)."""
    studio = _build(Studio())
    assert studio.last_error is None, studio.last_error
    return studio


# ---------------------------------------------------------------- the placeholder


def test_placeholder_names_the_business_and_the_sections_asked_for():
    sketch = sketch_prompt(PROMPT)
    assert sketch.name == "Doce Vida"
    assert {"Menu", "Contact"} <= set(sketch.sections)
    document = placeholder_html(PROMPT, 50, "generate", "writing the menu")
    assert "Doce Vida" in document and 'data-section="Menu"' in document and "50%" in document


def test_placeholder_reveals_more_sections_as_the_build_advances():
    early = placeholder_html(PROMPT, 25).count('class="pending"')
    late = placeholder_html(PROMPT, 85).count('class="pending"')
    assert late < early


# ---------------------------------------------------------------- building


def test_empty_prompt_shows_what_to_do_and_starts_nothing():
    studio = Studio()
    studio.prompt.value = "   "
    studio.send_button.click()
    assert not studio.busy and studio.session is None
    assert "The prompt is empty. Describe the site you want first" in studio.last_error
    assert "The prompt is empty" in studio.notice.value


def test_a_bad_email_is_refused_in_plain_words():
    studio = Studio()
    studio.prompt.value = PROMPT
    studio.email.value = "not-an-email"
    studio.send_button.click()
    assert studio.session is None
    assert "does not look like an email address" in studio.last_error


def test_build_streams_text_shows_stages_and_ends_with_the_site_in_the_preview():
    studio = Studio()
    stream_values: list[str] = []
    previews: list[str] = []
    progress: list[int] = []
    studio.stream_view.observe(lambda change: stream_values.append(change["new"]), names="value")
    studio.preview.observe(lambda change: previews.append(change["new"]), names="value")
    studio.progress.observe(lambda change: progress.append(change["new"]), names="value")

    _build(studio)

    assert studio.last_error is None, studio.last_error
    assert studio.session.status in ("ready", "deployed")
    # the model's text arrived piece by piece while the build ran
    non_empty = [v for v in stream_values if v]
    assert len(non_empty) >= 2 and studio.streamed_text
    assert len(non_empty[0]) < len(non_empty[-1])
    # the progress bar moved through named stages to the end
    assert len(studio.stages) >= 3 and progress[-1] == 100 and max(progress) == 100
    # a contextual placeholder was shown while building, then the site itself
    placeholders = [p for p in previews if "data-placeholder" in html.unescape(p)]
    assert placeholders and "Doce Vida" in html.unescape(placeholders[0])
    document = _srcdoc(studio)
    assert "data-placeholder" not in document and "Doce Vida" in document
    # files, versions and the chat summary
    assert "src/App.jsx" in studio.file_picker.options
    assert len(studio.project.versions) == 1 and studio.project.current_version == studio.project.versions[0].version
    assert studio.messages[0].role == "user" and studio.messages[0].text == PROMPT
    assert studio.messages[-1].text.startswith("Built Doce Vida")
    assert studio.send_button.description == "Send change"


class _HeldBuildBackend(StudioBackend):
    """The real backend, except that a build waits until the test lets it go."""

    def __init__(self):
        super().__init__()
        self.started = threading.Event()
        self.release = threading.Event()

    def build(self, session_id, **kwargs):
        self.started.set()
        self.release.wait(20)
        raise BuildStoppedError("released by the test")


def test_a_second_build_while_one_runs_is_refused():
    backend = _HeldBuildBackend()
    studio = Studio(backend=backend)
    studio.prompt.value = PROMPT
    studio.send_button.click()
    assert backend.started.wait(20)
    assert studio.send_button.disabled and not studio.stop_button.disabled
    studio.prompt.value = "Another site"
    studio.send()
    assert "The studio is busy (build)" in studio.last_error
    backend.release.set()
    assert studio.wait(20)
    assert not studio.send_button.disabled


def test_stop_really_stops_the_build_and_leaves_the_session_stopped():
    studio = Studio()
    studio.auto_deploy.value = False

    def stop_at_first_stage(change):
        if change["new"] and studio.stages and studio.stages[-1] != "starting" and not studio._cancel.is_set():
            studio.stop_button.click()

    studio.progress.observe(stop_at_first_stage, names="value")
    studio.prompt.value = PROMPT
    studio.send_button.click()
    assert studio.wait(120)
    assert studio._cancel.is_set()
    assert get_session(studio.session.session_id).status == "stopped"
    assert studio.project.files == {}
    assert any("Stopped" in m.text for m in studio.messages)
    assert studio.retry_button.layout.display is None  # "Build again" is offered
    assert studio.stop_button.disabled


def test_build_again_after_a_stop_finishes_the_same_session():
    studio = Studio()
    studio.auto_deploy.value = False
    studio.progress.observe(
        lambda change: studio.stop_button.click()
        if studio.stages and studio.stages[-1] != "starting" and not studio._cancel.is_set() else None,
        names="value",
    )
    studio.prompt.value = PROMPT
    studio.send_button.click()
    studio.wait(120)
    session_id = studio.session.session_id
    studio.progress.unobserve_all()
    studio.retry_button.click()
    assert studio.wait(180)
    assert studio.last_error is None, studio.last_error
    assert studio.session.session_id == session_id and studio.project.files
    assert "Doce Vida" in _srcdoc(studio)


def test_a_stop_asked_from_another_process_stops_the_studio_build():
    from faibric_kernel.build.leases import request_stop

    studio = Studio()
    studio.auto_deploy.value = False
    studio.progress.observe(
        lambda change: request_stop(studio.session.session_id)  # what `faibric stop SESSION` does
        if studio.stages and studio.stages[-1] != "starting" else None,
        names="value",
    )
    studio.prompt.value = PROMPT
    studio.send_button.click()
    assert studio.wait(120)
    assert get_session(studio.session.session_id).status == "stopped"
    assert any("Stopped" in m.text for m in studio.messages)


def test_a_build_whose_kernel_died_is_shown_as_interrupted_when_the_studio_starts(workspace):
    from faibric_kernel.sessions import create_session

    session = create_session(PROMPT)
    # a kernel that took the build and died without a word
    code = ("import os, sys; from faibric_kernel.build import leases; from faibric_kernel.sessions import "
            "transition; from faibric_kernel.store import close_writers; "
            f"leases.acquire({session.session_id!r}, tenant_id='default', kind='build'); "
            f"transition({session.session_id!r}, 'building'); close_writers(); os._exit(9)")
    subprocess.run([sys.executable, "-c", code], env={**os.environ, "FAIBRIC_HOME": str(workspace)}, check=False,
                   timeout=60)
    assert get_session(session.session_id).status == "building"
    studio = Studio()
    studio.sessions.value = session.session_id
    assert studio.wait(60)
    assert studio.session.status == "error" and studio.session.status_reason == "interrupted"
    assert studio.retry_button.layout.display is None


# ---------------------------------------------------------------- changing by chat


def test_change_by_chat_makes_a_new_version_updates_the_preview_and_shows_the_step_cost(built):
    studio = built
    before = _srcdoc(studio)
    studio.prompt.value = "Change the headline to Pastéis de nata baked every morning"
    studio.send_button.click()
    assert studio.wait(180)
    assert studio.last_error is None, studio.last_error
    assert studio.project.current_version == 2 and len(studio.project.versions) == 2
    after = _srcdoc(studio)
    assert after != before and "Pastéis de nata baked every morning" in after
    assert studio.last_step_cost is not None
    assert "last step" in studio.cost_view.value
    assert "this step cost" in studio.messages[-1].text
    assert studio.project.versions[0].diff  # the versions tab shows what changed
    assert "Pastéis de nata" in studio.versions_box.children[0].children[1].value


def test_restore_brings_back_an_earlier_version(built):
    studio = built
    first = dict(studio.project.files)
    studio.prompt.value = "Change the headline to Fresh bread all day"
    studio.send_button.click()
    studio.wait(180)
    assert studio.project.files != first
    studio.restore_buttons[1].click()
    assert studio.wait(120)
    assert studio.last_error is None, studio.last_error
    assert studio.project.files == first
    assert "Fresh bread all day" not in _srcdoc(studio)


# ---------------------------------------------------------------- deploying


def test_deploy_locally_shows_the_live_url_as_a_link_that_serves_the_site(built):
    studio = built
    studio.deploy_to.value = "local"
    studio.deploy_button.click()
    assert studio.wait(120)
    assert studio.last_error is None, studio.last_error
    assert studio.url and studio.url.startswith("http://127.0.0.1:")
    assert f'href="{html.escape(studio.url, quote=True)}"' in studio.url_view.value
    with urllib.request.urlopen(studio.url, timeout=10) as response:
        assert response.status == 200
    assert get_session(studio.session.session_id).status == "deployed"


def test_a_deployed_site_shows_its_visitors_and_leads_beside_the_preview(built):
    from faibric_kernel.livesites.registry import public_site_id
    from faibric_kernel.store import record_event

    studio = built
    assert studio.site_view.value == ""  # built, not live yet
    studio.deploy_to.value = "local"
    studio.deploy_button.click()
    assert studio.wait(120) and studio.last_error is None, studio.last_error
    assert "no visitors yet" in studio.site_view.value
    site_id = public_site_id(studio.session.session_id)
    for visitor in ("v1", "v2"):
        record_event("site_pageview", session_id=None, properties={"site_id": site_id, "version": 1, "visitor": visitor})
    record_event("lead_received", session_id=None, properties={"site_id": site_id, "version": 1, "spam": "ok",
                                                                "form": "contact", "lead_id": "l1"})
    record_event("lead_received", session_id=None, properties={"site_id": site_id, "version": 1, "spam": "honeypot",
                                                                "form": "contact", "lead_id": "l2"})
    studio.refresh_outcomes()
    assert "<b>2</b> visitors, <b>1</b> leads" in studio.site_view.value
    assert "last lead" in studio.site_view.value


def test_the_builds_tab_shows_each_traced_build_with_its_stages(built):
    [trace] = built.traces
    assert trace["kind"] == "build" and trace["outcome"] == "ready"
    names = [s["name"] for s in trace["spans"]]
    assert "generate" in names and "validate" in names
    view = built.traces_view.value
    assert 'title="generate: ' in view and ">build<" in view
    assert built.tabs.get_title(3) == "Builds"


def test_deploy_to_github_without_a_token_says_to_set_github_token(built, monkeypatch):
    monkeypatch.setenv("GITHUB_APPS_REPO", "faibric-test/apps")  # the repository is named; the token is not
    studio = built
    studio.deploy_to.value = "github"
    studio.deploy_button.click()
    assert studio.wait(60)
    assert "GITHUB_TOKEN" in studio.last_error
    assert "GITHUB_TOKEN" in studio.notice.value
    assert studio.url is None
    assert get_session(studio.session.session_id).status == "ready"  # the built site is still there


def test_deploy_before_anything_is_built_explains_itself():
    studio = Studio()
    studio.deploy()
    assert "Build a site first" in studio.last_error


# ---------------------------------------------------------------- provider failure


class _RefusingAnthropic(BaseHTTPRequestHandler):
    def do_POST(self):  # noqa: N802 - http.server's naming
        self.rfile.read(int(self.headers.get("content-length") or 0))
        body = json.dumps({"type": "error", "error": {"type": "authentication_error",
                                                      "message": "invalid x-api-key"}}).encode()
        self.send_response(401)
        self.send_header("content-type", "application/json")
        self.send_header("content-length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture
def refusing_anthropic(monkeypatch):
    server = ThreadingHTTPServer(("127.0.0.1", 0), _RefusingAnthropic)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    monkeypatch.setenv("ANTHROPIC_API_KEY", "sk-ant-test-not-a-real-key")
    monkeypatch.setenv("ANTHROPIC_BASE_URL", f"http://127.0.0.1:{server.server_address[1]}")
    yield server
    server.shutdown()
    server.server_close()


def test_provider_failure_is_shown_in_plain_words_and_the_session_is_not_stuck(refusing_anthropic):
    studio = Studio()
    studio.provider.value = "anthropic"
    _build(studio)
    assert "ANTHROPIC_API_KEY" in studio.last_error
    assert "sk-ant-test" not in studio.last_error
    assert get_session(studio.session.session_id).status == "error"
    assert studio.progress.bar_style == "danger"
    assert studio.retry_button.layout.display is None


def test_choosing_anthropic_without_a_key_says_what_to_set():
    studio = Studio()
    assert ("anthropic (needs ANTHROPIC_API_KEY)", "anthropic") in studio.provider.options
    studio.provider.value = "anthropic"
    _build(studio)
    assert "ANTHROPIC_API_KEY" in studio.last_error and "choose the offline provider" in studio.last_error
    assert studio.retry_button.layout.display is None


def test_choosing_a_provider_offers_its_models():
    studio = Studio()
    studio.provider.value = "offline"
    models = [value for _, value in studio.model.options]
    assert "" in models and "offline-composer-1" in models


# ---------------------------------------------------------------- resume and costs


def test_resume_after_recreating_the_studio_restores_everything(built):
    first = built
    first.prompt.value = "Change the headline to Pastéis de nata baked every morning"
    first.send_button.click()
    first.wait(180)
    first.deploy_to.value = "local"
    first.deploy_button.click()
    first.wait(120)
    assert first.last_error is None, first.last_error
    session_id = first.session.session_id

    again = Studio()  # a restarted kernel: nothing in memory
    assert session_id in [value for _, value in again.sessions.options]
    again.sessions.value = session_id
    assert again.wait(120)
    assert again.last_error is None, again.last_error
    assert again.session.session_id == session_id and again.session.status == "deployed"
    assert again.project.files == first.project.files
    assert [v.version for v in again.project.versions] == [2, 1]
    assert again.url == first.url and "faibric-live-url" in again.url_view.value
    assert "Pastéis de nata baked every morning" in _srcdoc(again)
    assert again.messages[0].text == PROMPT
    assert any(m.text == "Change the headline to Pastéis de nata baked every morning" for m in again.messages)
    assert again.send_button.description == "Send change"


def test_resume_by_id_when_the_studio_is_created():
    studio = _build(Studio())
    again = Studio(session_id=studio.session.session_id)
    assert again.wait(120)
    assert again.project.files == studio.project.files


def test_cost_meter_shows_tokens_and_dollars_for_the_session_and_today(built):
    studio = built
    record_api_call(provider="anthropic", model="claude-sonnet-4-6", purpose="generate",
                    session_id=studio.session.session_id, input_tokens=1000, output_tokens=500, cost_usd=0.0105)
    record_api_call(provider="anthropic", model="claude-haiku-4-5", purpose="classify", session_id="someone-else",
                    input_tokens=200, output_tokens=100, cost_usd=0.0007)
    studio.refresh_costs()
    costs = studio.costs
    assert costs.session_tokens >= 1500 and costs.session_cost_usd == pytest.approx(0.0105)
    assert costs.today_tokens >= costs.session_tokens + 300
    assert costs.today_cost_usd == pytest.approx(0.0112)
    assert "$0.0105" in studio.cost_view.value and "$0.0112" in studio.cost_view.value


def test_new_site_clears_the_screen_but_keeps_the_session_in_the_list(built):
    studio = built
    session_id = studio.session.session_id
    studio.new_button.click()
    assert studio.session is None and studio.project.files == {} and studio.messages == []
    assert studio.sessions.value == ""
    assert session_id in [value for _, value in studio.sessions.options]
    assert studio.send_button.description == "Build"


# ---------------------------------------------------------------- one deploy control, devices, notices


def test_building_does_not_deploy_unless_chosen(built):
    assert built.auto_deploy.value is False
    assert built.url is None and get_session(built.session.session_id).status == "ready"
    assert not hasattr(built, "target")  # one deploy target control: beside the Deploy button


def test_building_deploys_when_deploy_after_each_build_is_ticked():
    studio = _build(Studio(), target="local")
    assert studio.last_error is None, studio.last_error
    assert studio.url and studio.url.startswith("http://127.0.0.1:")


def test_a_change_that_cannot_be_made_is_a_notice_not_a_failure(built):
    built.prompt.value = 'Replace "no such words on the site" with "other words"'
    built.send_button.click()
    assert built.wait(120)
    assert built.last_error is None and built.notice.value == ""
    assert "Failed" not in built.stage_view.value and "Not changed" in built.stage_view.value
    notice = built.messages[-1]
    assert notice.kind == "notice" and notice.text.startswith("I could not make that change")
    assert "Changes that work" in notice.text
    assert built.project.current_version == 1


def test_the_preview_switches_between_desktop_tablet_and_phone(built):
    assert 'data-device="desktop"' in built.preview.value and "width:1280px" in built.preview.value
    built.device.value = "phone"
    assert 'data-device="phone"' in built.preview.value and "width:390px" in built.preview.value
    built.device.value = "tablet"
    assert "width:768px" in built.preview.value and "Doce Vida" in _srcdoc(built)


def test_the_email_field_explains_itself():
    studio = Studio()
    assert "Optional" in studio.email_help.value and "Users" in studio.email_help.value
    assert studio.email.placeholder.startswith("optional")


def test_the_step_cost_comes_from_the_recorded_calls_when_the_build_does_not_report_one():
    from faibric_kernel.ui.backend import CostSummary, StudioBackend

    class Spending(StudioBackend):
        spent = 0.5

        def costs(self, session_id):
            return CostSummary(0, self.spent, 0, 0, 0, self.spent, 0, 0)

    backend = Spending()
    studio = Studio(backend=backend)
    before = studio._session_spend("s1")
    backend.spent = 0.75
    assert studio._step_cost(None, "s1", before) == 0.25
    assert studio._step_cost(0.1, "s1", before) == 0.1
