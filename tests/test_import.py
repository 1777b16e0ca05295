"""events import: history from CSV, JSONL and Parquet through the spool and ingest, refused rows explained."""

from __future__ import annotations

import csv
import json
import uuid
from datetime import datetime

import pytest
from click.testing import CliRunner

from faibric_kernel.cli import main
from faibric_kernel.errors import InvalidInputError
from faibric_kernel.store import read_connection
from faibric_kernel.store.importer import import_events

COLUMNS = ["event_id", "ts", "tenant_id", "session_id", "actor", "event_type", "properties"]
IDS = [str(uuid.UUID(int=i + 1)) for i in range(10)]


def write_csv(path, rows, columns=COLUMNS):
    with open(path, "w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(columns)
        writer.writerows(rows)
    return path


def good_rows():
    return [
        [IDS[0], "2025-06-01 10:00:00", "acme", "s1", "", "request_submitted", '{"prompt": "a bakery"}'],
        [IDS[1], "2025-06-01 10:05:00.250000", "acme", "s1", "a@x.io", "email_provided", '{"email": "a@x.io"}'],
        [IDS[2], "2025-06-02T09:00:00Z", "acme", "s1", "a@x.io", "deployed", ""],
    ]


def stored():
    with read_connection() as con:
        return con.execute(
            "SELECT CAST(event_id AS VARCHAR), ts, tenant_id, session_id, actor, event_type, "
            "CAST(properties AS VARCHAR) FROM events ORDER BY ts"
        ).fetchall()


def test_csv_rows_keep_their_ids_and_timestamps(tmp_path):
    report = import_events(write_csv(tmp_path / "h.csv", good_rows()))
    assert (report.rows_read, report.accepted, report.refused, report.added) == (3, 3, 0, 3)
    rows = stored()
    assert [r[0] for r in rows] == IDS[:3]
    assert [r[1] for r in rows] == [datetime(2025, 6, 1, 10), datetime(2025, 6, 1, 10, 5, 0, 250000),
                                    datetime(2025, 6, 2, 9)]
    assert rows[0][4] is None  # an empty actor is no actor
    assert json.loads(rows[0][6]) == {"prompt": "a bakery"}
    assert rows[2][6] is None


def test_importing_the_same_file_twice_adds_nothing(tmp_path):
    path = write_csv(tmp_path / "h.csv", good_rows())
    import_events(path)
    again = import_events(path)
    assert (again.accepted, again.already_stored, again.added) == (3, 3, 0)
    assert len(stored()) == 3


def test_refused_rows_are_counted_by_reason_shown_and_written_out(tmp_path):
    rows = good_rows() + [
        ["not-a-uuid", "2025-06-01 10:00:00", "acme", "s2", "", "verified", ""],
        [IDS[4], "yesterday", "acme", "s2", "", "verified", ""],
        [IDS[5], "2025-06-01 10:00:00", "acme", "s2", "", "", ""],
        [IDS[6], "2025-06-01 10:00:00", "acme", "s2", "", "teleported", ""],
        [IDS[7], "2025-06-01 10:00:00", "acme", "s2", "", "verified", "{not json"],
        [IDS[8], "2025-06-01 10:00:00", "acme", "s2", "", "verified", "[1, 2]"],
        [IDS[9], "2025-06-01 10:00:00", "", "s2", "", "verified", ""],
    ]
    out = tmp_path / "refused.csv"
    report = import_events(write_csv(tmp_path / "h.csv", rows), refused_out=out)
    assert (report.accepted, report.refused, report.added) == (3, 7, 3)
    assert report.refused_by_reason == {
        "bad ts (not a date and time)": 1,
        "bad uuid in event_id": 1,
        "missing event_type": 1,
        "missing tenant_id": 1,
        "properties is not a JSON object": 1,
        "properties is not valid JSON": 1,
        "unknown event_type": 1,
    }
    assert report.refused_examples[0] == {"row": 4, "reason": "bad uuid in event_id", "event_id": "not-a-uuid",
                                          "ts": "2025-06-01 10:00:00", "event_type": "verified"}
    with open(out, encoding="utf-8") as fh:
        refused = list(csv.DictReader(fh))
    assert [r["row_number"] for r in refused] == ["4", "5", "6", "7", "8", "9", "10"]
    assert refused[3]["reason"] == "unknown event_type teleported"


def test_unknown_event_types_can_be_allowed(tmp_path):
    rows = [[IDS[0], "2025-06-01 10:00:00", "acme", "s1", "", "site_viewed", ""]]
    report = import_events(write_csv(tmp_path / "h.csv", rows), allow_unknown_types=True)
    assert report.added == 1


def test_a_file_missing_required_columns_is_refused_whole(tmp_path):
    path = write_csv(tmp_path / "h.csv", [["2025-06-01", "s1"]], columns=["ts", "session_id"])
    with pytest.raises(InvalidInputError, match="event_id, tenant_id, event_type"):
        import_events(path)
    assert stored() == []


def test_jsonl_with_object_or_text_properties_and_a_broken_line(tmp_path):
    path = tmp_path / "h.jsonl"
    lines = [
        json.dumps({"event_id": IDS[0], "ts": "2025-06-01T10:00:00+02:00", "tenant_id": "acme", "session_id": "s1",
                    "actor": None, "event_type": "request_submitted", "properties": {"prompt": "p"}}),
        json.dumps({"event_id": IDS[1], "ts": "2025-06-01 11:00:00", "tenant_id": "acme", "session_id": "s1",
                    "actor": "a@x.io", "event_type": "email_provided", "properties": '{"email": "a@x.io"}'}),
        "{this is not json",
        "",
    ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    report = import_events(path)
    assert (report.accepted, report.refused) == (2, 1)
    assert report.refused_by_reason == {"not a JSON object line": 1}
    rows = stored()
    assert rows[0][1] == datetime(2025, 6, 1, 8)  # +02:00 converted to UTC
    assert json.loads(rows[0][6]) == {"prompt": "p"}
    assert json.loads(rows[1][6]) == {"email": "a@x.io"}


def test_properties_written_over_several_lines_are_stored_whole(tmp_path):
    ids = [str(uuid.uuid4()) for _ in range(3000)]
    rows = [[i, "2025-06-01 10:00:00", "acme", "s1", "", "request_submitted", f'{{\n  "n": {k}\n}}']
            for k, i in enumerate(ids)]
    report = import_events(write_csv(tmp_path / "h.csv", rows))
    assert (report.accepted, report.added) == (3000, 3000)
    with read_connection(include_spool=False) as con:
        assert con.execute("SELECT count(*), sum(CAST(properties->>'n' AS INT)) FROM events").fetchall() == [
            (3000, sum(range(3000)))
        ]


def test_a_line_break_inside_a_text_column_is_refused_with_its_reason(tmp_path):
    rows = [[IDS[0], "2025-06-01 10:00:00", "acme", "s1", "two\nlines", "request_submitted", ""]]
    report = import_events(write_csv(tmp_path / "h.csv", rows))
    assert (report.accepted, report.added) == (0, 0)
    assert list(report.refused_by_reason) == ["a line break inside tenant_id, session_id, actor or event_type"]


def test_rows_repeated_within_the_file_are_stored_once(tmp_path):
    rows = good_rows()[:1] * 3
    report = import_events(write_csv(tmp_path / "h.csv", rows))
    assert (report.accepted, report.duplicates_in_file, report.added) == (3, 2, 1)
    assert len(stored()) == 1


def test_a_parquet_export_imports_into_another_workspace_unchanged(tmp_path, monkeypatch):
    from faibric_kernel.store import ingest, record_events

    record_events([
        {"event_type": "request_submitted", "session_id": "s1", "tenant_id": "acme",
         "properties": {"prompt": "shop"}, "ts": datetime(2025, 5, 1, 9, 30, 0, 123456)},
        {"event_type": "deployed", "session_id": "s1", "tenant_id": "acme", "actor": "a@x.io",
         "properties": {"url": "https://s.test"}, "ts": datetime(2025, 5, 1, 9, 40)},
    ])
    ingest()
    before = stored()
    out = tmp_path / "export.parquet"
    result = CliRunner().invoke(main, ["events", "export", "--format", "parquet", "--out", str(out)])
    assert result.exit_code == 0, result.output
    monkeypatch.setenv("FAIBRIC_HOME", str(tmp_path / "other-home"))
    report = import_events(out)
    assert (report.accepted, report.added) == (2, 2)
    after = stored()
    assert [r[:6] for r in after] == [r[:6] for r in before]
    assert [json.loads(r[6]) for r in after] == [json.loads(r[6]) for r in before]


def test_cli_prints_one_json_document(tmp_path):
    path = write_csv(tmp_path / "h.csv", good_rows())
    result = CliRunner().invoke(main, ["events", "import", str(path), "--json"])
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    assert doc["added"] == 3 and doc["refused"] == 0


def test_cli_reports_a_missing_file_in_one_line(tmp_path):
    result = CliRunner().invoke(main, ["events", "import", str(tmp_path / "nope.csv")])
    assert result.exit_code != 0
    assert "no file at" in result.stderr


def test_a_csv_row_with_an_extra_field_is_refused_alone(tmp_path):
    path = write_csv(tmp_path / "h.csv", good_rows())
    lines = path.read_text().splitlines()
    lines[2] += ",an extra field"
    path.write_text("\n".join(lines) + "\n")
    report = import_events(path)
    assert (report.rows_read, report.accepted, report.refused) == (3, 2, 1)
    assert report.refused_by_reason == {"the row has more fields than the header": 1}
    assert report.refused_examples[0]["row"] == 2
    assert [r[0] for r in stored()] == [IDS[0], IDS[2]]


def test_csv_export_quotes_cells_a_spreadsheet_would_run(tmp_path):
    from faibric_kernel.store import record_event

    record_event("verified", session_id="s1", actor="+1+1", properties={"note": "=HYPERLINK(1)"})
    record_event("verified", session_id="s2", actor="ada@example.com")
    out = tmp_path / "events.csv"
    assert CliRunner().invoke(main, ["events", "export", "--format", "csv", "--out", str(out)]).exit_code == 0
    rows = list(csv.DictReader(out.open()))
    assert rows[0]["actor"] == "'+1+1" and rows[1]["actor"] == "ada@example.com"
    assert not any(v.startswith(("=", "+", "-", "@")) for row in rows for v in row.values())
