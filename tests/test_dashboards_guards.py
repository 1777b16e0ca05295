"""The dashboards server's guards: login throttling, kernel caps, redacted logs, no 500 on odd template paths."""

from __future__ import annotations

import asyncio
import logging

import pytest
from test_dashboards import FakeHandler, provider

pytest.importorskip("jupyter_server")
from tornado.web import HTTPError  # noqa: E402


class FakeKernels:
    def __init__(self, running: int):
        self.running = running

    def list_kernel_ids(self):
        return [f"k{i}" for i in range(self.running)]


def page_request(token: str, running: int = 0, ip: str = "198.51.100.7") -> FakeHandler:
    handler = FakeHandler(args={"token": token})
    handler.request.method, handler.request.path, handler.request.remote_ip = "GET", "/voila/render/funnel.ipynb", ip
    handler.settings = {"kernel_manager": FakeKernels(running)}
    return handler


def get_user(p, handler):
    return asyncio.run(p.get_user(handler))


def test_wrong_tokens_are_throttled_per_address_even_the_right_one_after():
    p = provider()
    for _ in range(5):
        assert p.process_login_form(FakeHandler(args={"password": "guess"})) is None
    with pytest.raises(HTTPError) as refused:
        p.process_login_form(FakeHandler(args={"password": "analyst-token-2"}))
    assert refused.value.status_code == 429 and "too many wrong tokens" in refused.value.log_message
    with pytest.raises(HTTPError):
        get_user(p, FakeHandler(args={"token": "guess-again"}))  # the URL's token is a sign-in too
    other = FakeHandler(args={"password": "analyst-token-2"})
    other.request.remote_ip = "203.0.113.9"
    assert p.process_login_form(other).username == "analyst"  # another address is not held back


def test_a_viewer_opening_page_after_page_gets_the_busy_page():
    p = provider()
    for _ in range(p.max_kernels_per_viewer):
        assert get_user(p, page_request("stakeholder-token-1")).username == "stakeholder"
    with pytest.raises(HTTPError) as busy:
        get_user(p, page_request("stakeholder-token-1"))
    assert busy.value.status_code == 503 and "try again" in busy.value.log_message
    assert get_user(p, page_request("stakeholder-token-1", ip="203.0.113.9")).username == "stakeholder"


def test_a_dashboard_page_gets_the_xsrf_cookie_its_close_beacon_posts_back():
    handler = page_request("analyst-token-2")
    user = get_user(provider(), handler)
    assert "_xsrf" in handler.cookies and handler.current_user is user


def test_the_server_stops_starting_kernels_at_its_total():
    p = provider()
    with pytest.raises(HTTPError) as busy:
        get_user(p, page_request("analyst-token-2", running=p.max_kernels))
    assert busy.value.status_code == 503 and "busy" in busy.value.log_message
    assert get_user(p, page_request("analyst-token-2", running=p.max_kernels - 1)).username == "analyst"


def test_tokens_in_log_records_are_redacted(caplog):
    import faibric_kernel.dashboards.auth  # noqa: F401 - installs the redaction for the process

    with caplog.at_level(logging.WARNING, logger="tornado.access"):
        logging.getLogger("tornado.access").warning("%d %s %.2fms", 403,
                                                    "GET /voila/render/users.ipynb?token=stakeholder-secret", 1.0)
    assert "stakeholder-secret" not in caplog.text and "token=[redacted]" in caplog.text


def test_a_template_path_voila_cannot_parse_is_404():
    from voila.static_file_handler import TemplateStaticFileHandler

    import faibric_kernel.dashboards.auth  # noqa: F401

    for path in ("..%2f..", "../..", "lab", "lab/nostatic/x.js"):
        with pytest.raises(HTTPError) as missing:
            TemplateStaticFileHandler.parse_url_path(object.__new__(TemplateStaticFileHandler), path)
        assert missing.value.status_code == 404


def test_the_studio_s_token_sign_in_can_be_throttled_the_same_way():
    from faibric_kernel.dashboards.auth import ThrottledTokenProvider

    p = ThrottledTokenProvider(token="studio-token-123")
    for _ in range(5):
        assert p.process_login_form(FakeHandler(args={"password": "guess"})) is None
    with pytest.raises(HTTPError) as refused:
        p.process_login_form(FakeHandler(args={"password": "studio-token-123"}))
    assert refused.value.status_code == 429
    fresh = ThrottledTokenProvider(token="studio-token-123")
    assert fresh.process_login_form(FakeHandler(args={"password": "studio-token-123"})) is not None


def test_a_tenant_s_dashboard_token_sees_only_that_tenant():
    from faibric_kernel.dashboards import roles
    from faibric_kernel.tenant_keys import tenant_keys

    token = tenant_keys().add("acme", dashboard=True)["dashboard_token"]
    p = provider()
    handler = page_request(token)
    handler.request.query = "since=2026-11-01&tenant=globex&tenant=other"
    user = get_user(p, handler)
    assert user.username == "stakeholder:acme"
    assert handler.request.headers[roles.ROLE_HEADER] == "stakeholder"  # never analyst
    assert handler.request.query == "since=2026-11-01&tenant=acme"  # what the kernel reads its filters from
    again = page_request("")  # the login cookie keeps the scope
    again.cookies, again.request.query = handler.cookies, "tenant=globex"
    assert get_user(p, again).username == "stakeholder:acme" and again.request.query == "tenant=acme"
    tenant_keys().remove("acme")  # a removed tenant's cookie no longer works
    gone = page_request("")
    gone.cookies = handler.cookies
    assert get_user(p, gone) is None
