"""Schemathesis drives every operation of the served OpenAPI document (bounded) and finds no violation."""

from __future__ import annotations

import pytest

schemathesis = pytest.importorskip("schemathesis")
from hypothesis import HealthCheck, settings  # noqa: E402 - after the skip: hypothesis comes with schemathesis

from faibric_kernel.api import create_app  # noqa: E402
from faibric_kernel.build import JobRunner  # noqa: E402
from faibric_kernel.onboarding import Onboarding  # noqa: E402


@pytest.fixture
def api_schema(workspace, monkeypatch):
    from fakes.builds import FakeBuilds

    monkeypatch.setenv("FAIBRIC_ANALYST_TOKEN", "analyst-token-for-tests")
    monkeypatch.setenv("FAIBRIC_DASHBOARD_TOKEN", "stakeholder-token-for-tests")
    fake = FakeBuilds()
    journey = Onboarding(worker=JobRunner(build_fn=fake.run_build, modify_fn=fake.modify_site), status_cache_seconds=0)
    off = {name: "off" for name in ("initial", "email_ip", "email_address", "verify", "actions", "status", "analytics")}
    app = create_app(onboarding=journey, limits=off, ingest_interval=0, recover=False)
    schema = schemathesis.openapi.from_asgi("/openapi.json", app)
    schema.journey = journey
    return schema


def run_operations(schema, headers_for=None, max_examples=20) -> list[str]:
    from hypothesis import given

    checked = []
    for result in schema.get_all_operations():
        operation = result.ok()
        if operation.path == "/api/analytics/dashboard/run-daily/":
            continue  # runs the daily report notebook; test_api_seed covers it

        headers = headers_for(operation) if headers_for is not None else None

        @given(case=operation.as_strategy(headers=headers) if headers else operation.as_strategy())
        @settings(max_examples=max_examples, deadline=None, suppress_health_check=list(HealthCheck),
                  derandomize=True, database=None)
        def conforms(case):
            excluded = []
            if case.operation.path.startswith(("/api/analytics/", "/api/forms/", "/api/collect")):
                # rules a JSON Schema cannot state, so their 4xx is right: since <= until between two fields;
                # the fields a form may send depend on its kind; a beacon batch names a live site
                from schemathesis.specs.openapi.checks import positive_data_acceptance

                excluded.append(positive_data_acceptance)
            case.call_and_validate(excluded_checks=excluded)

        conforms()
        checked.append(f"{operation.method.upper()} {operation.path}")
    return checked


def test_every_operation_conforms_to_the_document(api_schema):
    assert len(run_operations(api_schema)) >= 15


def test_every_operation_conforms_for_a_signed_in_customer_and_an_analyst(api_schema, workspace):
    """The same, with credentials that work: a deployed session's secret, the analyst token."""
    from test_api_seed import outbox_link

    journey = api_schema.journey
    session = journey.submit_request("a bakery site")
    journey.provide_email(session.session_id, "ada@example.com")
    _, secret = journey.verify_with_secret(outbox_link(workspace, "ada@example.com").rsplit("/", 1)[1])
    journey.trigger_build(session.session_id)
    journey.worker.wait(session.session_id, timeout=10)

    def signed_in(operation):
        if operation.path.startswith("/api/analytics/"):
            return {"Authorization": "Bearer analyst-token-for-tests"}
        needs_secret = any("SessionSecret" in r for r in operation.definition.raw.get("security", []))
        return {"Authorization": f"Bearer {secret}"} if needs_secret else None

    assert len(run_operations(api_schema, signed_in, max_examples=10)) >= 15
