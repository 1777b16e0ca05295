"""Small JSON documents of the workspace that every host must share: tenants (key digests), budgets, variants.

Without ``FAIBRIC_DATABASE_URL`` each is a file in ``FAIBRIC_HOME`` (``tenants.json``,
``budgets.json``, ``variants.json``), written atomically as before. With it, each is
a row of ``state_documents`` in PostgreSQL, so a tenant added, a budget set or a
variant retired on one host holds on every host at its next read.
"""

from __future__ import annotations

import json
import os
from datetime import UTC, datetime
from pathlib import Path

from .. import config
from ..jsonfile import write_json_atomic
from .db import state_connection
from .state import is_postgres

__all__ = ["MIGRATION_SQL", "WorkspaceDocument"]

# applied by faibric_kernel.store.migrations (version 504)
MIGRATION_SQL = """
    CREATE TABLE IF NOT EXISTS state_documents (
        name VARCHAR PRIMARY KEY,
        document VARCHAR NOT NULL,
        version BIGINT NOT NULL,
        updated_at TIMESTAMP NOT NULL
    );
    """


class WorkspaceDocument:
    """One named document: :meth:`load` it, :meth:`save` it, and ask for its :meth:`mark` (which changes
    whenever the document does, so a reader may keep what it parsed until then)."""

    def __init__(self, name: str, *, private: bool = False, path: Path | None = None):
        self.name = name
        self.private = private  # a file only its owner may read (it holds key digests)
        self._path = path

    @property
    def path(self) -> Path:
        """The file (without FAIBRIC_DATABASE_URL): ``path`` if given, else ``name`` in the workspace."""
        return self._path or config.workspace(create=False) / self.name

    def where(self) -> str:
        """Where the document lives, for messages."""
        return f"the {self.name} document in PostgreSQL (FAIBRIC_DATABASE_URL)" if is_postgres() else str(self.path)

    def mark(self):
        if is_postgres():
            with state_connection() as con:
                row = con.execute("SELECT version FROM state_documents WHERE name = ?", [self.name]).fetchone()
            return row[0] if row else None
        try:
            stat = self.path.stat()
        except FileNotFoundError:
            return None
        return stat.st_mtime_ns, stat.st_size, stat.st_ino

    def load(self):
        """The parsed document, or None when there is none yet; ValueError when it is not JSON."""
        if is_postgres():
            with state_connection() as con:
                row = con.execute("SELECT document FROM state_documents WHERE name = ?", [self.name]).fetchone()
            return json.loads(row[0]) if row else None
        if not self.path.is_file():
            return None
        return json.loads(self.path.read_text(encoding="utf-8"))

    def save(self, payload) -> None:
        if is_postgres():
            with state_connection() as con:
                con.execute(
                    "INSERT INTO state_documents (name, document, version, updated_at) VALUES (?, ?, 1, ?) "
                    "ON CONFLICT (name) DO UPDATE SET document = excluded.document, "
                    "version = state_documents.version + 1, updated_at = excluded.updated_at",
                    [self.name, json.dumps(payload, ensure_ascii=False, sort_keys=True),
                     datetime.now(UTC).replace(tzinfo=None)])
            return
        if not self.private:
            write_json_atomic(self.path, payload)
            return
        path = self.path
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f".{self.name}.{os.getpid()}.tmp")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            json.dump(payload, fh, indent=2, sort_keys=True)
        os.replace(tmp, path)
