"""Retention cohorts and lifecycle on hand-made customers; weeks start on Monday (2026-03-02 is one)."""

from __future__ import annotations

import pytest

from faibric_kernel.analytics import lifecycle, retention
from faibric_kernel.analytics.testing import insert_events
from faibric_kernel.errors import InvalidInputError

NOW = "2026-03-18T12:00:00"  # a Wednesday: the week of 2026-03-16 has not ended


def cohorts(result):
    return {c["cohort"]: (c["size"], c["retention"]) for c in result.to_dict()["cohorts"]}


def two_cohorts(con):
    insert_events(con, [
        # alice: an anonymous request, then her email in the same session; back a week later
        ("2026-03-02T09:00:00", "s1", "request_submitted"),
        ("2026-03-02T09:05:00", "s1", "email_provided", "alice@x.io"),
        ("2026-03-10T09:00:00", "s2", "request_submitted", "alice@x.io"),
        # bob: two days in his first week only
        ("2026-03-03T09:00:00", "s3", "request_submitted", "bob@x.io"),
        ("2026-03-04T09:00:00", "s3", "deployed", "bob@x.io"),
        # carol: the week of 03-09 and the current week
        ("2026-03-09T09:00:00", "s4", "request_submitted", "carol@x.io"),
        ("2026-03-17T09:00:00", "s5", "request_submitted", "carol@x.io"),
        # a session that never gave an email is a customer of its own
        ("2026-03-11T09:00:00", "s6", "request_submitted"),
    ])


def test_weekly_cohorts_with_empty_cells_for_unfinished_weeks(fresh_db):
    two_cohorts(fresh_db)
    result = retention(fresh_db, "week", now=NOW)
    assert cohorts(result) == {
        "2026-03-02": (2, [1.0, 0.5, None]),  # alice came back in week 1; week 2 is the current week
        "2026-03-09": (2, [1.0, None]),
    }


def test_the_average_row_weights_finished_cells_by_cohort_size(fresh_db):
    two_cohorts(fresh_db)
    doc = retention(fresh_db, "week", now=NOW).to_dict()
    # week 0: (2 + 2) / (2 + 2); week 1: only the first cohort has finished it: 1 / 2; week 2: nothing finished
    assert doc["average"] == {"size": 4, "retention": [1.0, 0.5, None]}


def test_a_finished_period_with_no_activity_is_zero_not_empty(fresh_db):
    insert_events(fresh_db, [("2026-03-03T09:00:00", "s1", "request_submitted", "bob@x.io")])
    assert cohorts(retention(fresh_db, "week", now=NOW)) == {"2026-03-02": (1, [1.0, 0.0, None])}


def test_a_session_is_stitched_back_to_its_start_so_the_cohort_is_the_first_anonymous_event(fresh_db):
    insert_events(fresh_db, [
        ("2026-03-01T23:00:00", "s1", "request_submitted"),  # Sunday: week of 02-23
        ("2026-03-02T00:30:00", "s1", "email_provided", "alice@x.io"),  # Monday: week of 03-02
        ("2026-03-10T10:00:00", "s2", "request_submitted", "alice@x.io"),
    ])
    # one customer, cohort 02-23, active in weeks 0, 1 and 2
    assert cohorts(retention(fresh_db, "week", now=NOW)) == {"2026-02-23": (1, [1.0, 1.0, 1.0, None])}


def test_weeks_start_on_monday(fresh_db):
    insert_events(fresh_db, [
        ("2026-03-08T23:59:59", "sun", "request_submitted", "sun@x.io"),
        ("2026-03-09T00:00:00", "mon", "request_submitted", "mon@x.io"),
    ])
    assert set(cohorts(retention(fresh_db, "week", now=NOW))) == {"2026-03-02", "2026-03-09"}


def test_cumulative_counts_anyone_active_in_that_period_or_later(fresh_db):
    insert_events(fresh_db, [
        ("2026-03-02T09:00:00", "d1", "request_submitted", "dave@x.io"),
        ("2026-03-16T09:00:00", "d2", "request_submitted", "dave@x.io"),  # skips the week of 03-09
        ("2026-03-03T09:00:00", "e1", "request_submitted", "erin@x.io"),
    ])
    now = "2026-03-25T00:00:00"
    assert cohorts(retention(fresh_db, "week", now=now)) == {"2026-03-02": (2, [1.0, 0.0, 0.5, None])}
    assert cohorts(retention(fresh_db, "week", cumulative=True, now=now)) == {
        "2026-03-02": (2, [1.0, 0.5, 0.5, None])
    }


def test_monthly_and_daily_periods(fresh_db):
    insert_events(fresh_db, [
        ("2026-01-15T09:00:00", "a1", "request_submitted", "a@x.io"),
        ("2026-02-03T09:00:00", "a2", "request_submitted", "a@x.io"),
        ("2026-01-20T09:00:00", "b1", "request_submitted", "b@x.io"),
    ])
    assert cohorts(retention(fresh_db, "month", now="2026-03-05")) == {"2026-01-01": (2, [1.0, 0.5, None])}
    daily = cohorts(retention(fresh_db, "day", since="2026-02-01", now="2026-02-04T06:00"))
    assert daily == {}  # no customer's first day is in February
    assert cohorts(retention(fresh_db, "day", until="2026-01-16", now="2026-01-17T06:00")) == {
        "2026-01-15": (1, [1.0, 0.0, None])
    }


def test_one_customer_in_two_tenants(fresh_db):
    insert_events(fresh_db, [
        ("2026-03-02T09:00:00", "t1s", "request_submitted", "alice@x.io", "acme"),
        ("2026-03-10T09:00:00", "t2s", "request_submitted", "alice@x.io", "globex"),
    ])
    # across tenants she is one customer who came back; within each tenant a customer of one week
    assert cohorts(retention(fresh_db, "week", now=NOW)) == {"2026-03-02": (1, [1.0, 1.0, None])}
    assert cohorts(retention(fresh_db, "week", tenant="acme", now=NOW)) == {"2026-03-02": (1, [1.0, 0.0, None])}
    assert cohorts(retention(fresh_db, "week", tenant="globex", now=NOW)) == {"2026-03-09": (1, [1.0, None])}


def test_emails_are_matched_case_insensitively(fresh_db):
    insert_events(fresh_db, [
        ("2026-03-02T09:00:00", "s1", "request_submitted", "Alice@X.io"),
        ("2026-03-10T09:00:00", "s2", "request_submitted", "alice@x.io"),
    ])
    assert cohorts(retention(fresh_db, "week", now=NOW)) == {"2026-03-02": (1, [1.0, 1.0, None])}


def test_an_empty_store_has_no_cohorts(fresh_db):
    doc = retention(fresh_db, "week", now=NOW).to_dict()
    assert doc == {"period": "week", "cumulative": False, "cohorts": [], "average": {"size": 0, "retention": []}}


def test_an_unknown_period_is_refused(fresh_db):
    with pytest.raises(InvalidInputError):
        retention(fresh_db, "year", now=NOW)


def test_lifecycle_new_returning_resurrecting_dormant(fresh_db):
    insert_events(fresh_db, [
        # a: weeks 0, 1 and 3 (of 02-16, 02-23, 03-02, 03-09)
        ("2026-02-16T09:00:00", "a1", "request_submitted", "a@x.io"),
        ("2026-02-24T09:00:00", "a2", "request_submitted", "a@x.io"),
        ("2026-03-10T09:00:00", "a3", "request_submitted", "a@x.io"),
        # b: week 1 only
        ("2026-02-25T09:00:00", "b1", "request_submitted", "b@x.io"),
    ])
    df = lifecycle(fresh_db, "week", now=NOW)
    rows = {r["period"].date().isoformat(): (r["new"], r["returning"], r["resurrecting"], r["dormant"], r["complete"])
            for r in df.to_dict(orient="records")}
    assert rows == {
        "2026-02-16": (1, 0, 0, 0, True),
        "2026-02-23": (1, 1, 0, 0, True),
        "2026-03-02": (0, 0, 0, 2, True),
        "2026-03-09": (0, 0, 1, 0, True),
        "2026-03-16": (0, 0, 0, 1, False),
    }
    assert list(df["active"]) == [1, 2, 0, 1, 0]


def test_lifecycle_of_an_empty_store_is_empty(fresh_db):
    assert lifecycle(fresh_db, "week", now=NOW).empty
