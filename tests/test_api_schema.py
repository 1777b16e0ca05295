"""Schemathesis drives every operation of the served OpenAPI document (bounded) and finds no violation."""

from __future__ import annotations

import pytest

schemathesis = pytest.importorskip("schemathesis")
from hypothesis import HealthCheck, settings  # noqa: E402 - after the skip: hypothesis comes with schemathesis

from faibric_kernel.api import create_app  # noqa: E402
from faibric_kernel.onboarding import BuildWorker, Onboarding  # noqa: E402


@pytest.fixture
def api_schema(workspace, monkeypatch):
    from test_onboarding_fakes import FakeBuilds

    monkeypatch.setenv("FAIBRIC_ANALYST_TOKEN", "analyst-token-for-tests")
    monkeypatch.setenv("FAIBRIC_DASHBOARD_TOKEN", "stakeholder-token-for-tests")
    fake = FakeBuilds()
    journey = Onboarding(worker=BuildWorker(build_fn=fake.run_build, modify_fn=fake.modify_site), status_cache_seconds=0)
    off = {name: "off" for name in ("initial", "email_ip", "email_address", "verify", "actions", "status", "analytics")}
    app = create_app(onboarding=journey, limits=off, ingest_interval=0, recover=False)
    return schemathesis.openapi.from_asgi("/openapi.json", app)


def test_every_operation_conforms_to_the_document(api_schema):
    from hypothesis import given

    checked = []
    for result in api_schema.get_all_operations():
        operation = result.ok()
        if operation.path == "/api/analytics/dashboard/run-daily/":
            continue  # runs the daily report notebook; test_api_seed covers it

        @given(case=operation.as_strategy())
        @settings(max_examples=20, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True,
                  database=None)
        def conforms(case):
            case.call_and_validate()

        conforms()
        checked.append(f"{operation.method.upper()} {operation.path}")
    assert len(checked) >= 15, checked
