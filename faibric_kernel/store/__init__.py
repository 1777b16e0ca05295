"""The event store: spool writers, idempotent ingest, and short-lived DuckDB connections."""

from .db import connect, database_path, ensure_database, read_connection, state_connection, write_connection
from .ingest import IngestReport, PeriodicIngest, ingest
from .records import record_api_call, record_api_calls, record_event, record_events
from .spool import close_writers

__all__ = [
    "IngestReport",
    "PeriodicIngest",
    "close_writers",
    "connect",
    "database_path",
    "ensure_database",
    "ingest",
    "read_connection",
    "record_api_call",
    "record_api_calls",
    "record_event",
    "record_events",
    "state_connection",
    "write_connection",
]
