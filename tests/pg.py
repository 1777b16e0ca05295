"""A throwaway PostgreSQL server for tests and benchmarks: Debian's PostgreSQL 15 in a temporary folder.

:func:`start` runs ``initdb`` and ``pg_ctl`` on a free loopback port with trust
authentication (nothing but this machine reaches it) and returns a
:class:`PostgresServer` whose :meth:`~PostgresServer.create_database` makes a
database and whose :meth:`~PostgresServer.stop` removes everything. As root the
server runs as the ``postgres`` user (PostgreSQL refuses to run as root), in a
folder owned by that user. :func:`unavailable_reason` says why it cannot run
here (no binaries), so callers can skip with that reason.
"""

from __future__ import annotations

import os
import pwd
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

from faibric_kernel.ports import free_port

__all__ = ["PostgresServer", "bin_dir", "start", "unavailable_reason"]

CANDIDATE_BIN_DIRS = ("/usr/lib/postgresql/15/bin", "/usr/lib/postgresql/16/bin", "/usr/lib/postgresql/17/bin")


def bin_dir() -> Path | None:
    """The folder of ``initdb``/``pg_ctl``/``psql`` (``FAIBRIC_PG_BIN`` first, then Debian's), or None."""
    for candidate in filter(None, [os.environ.get("FAIBRIC_PG_BIN"), *CANDIDATE_BIN_DIRS]):
        if (Path(candidate) / "initdb").is_file() and (Path(candidate) / "pg_ctl").is_file():
            return Path(candidate)
    return None


def unavailable_reason() -> str | None:
    """Why a PostgreSQL server cannot be started here, or None when it can."""
    if bin_dir() is None:
        return "PostgreSQL is not installed (apt-get install postgresql, or set FAIBRIC_PG_BIN)"
    if os.geteuid() == 0:
        try:
            pwd.getpwnam("postgres")
        except KeyError:
            return "running as root and there is no postgres user to run PostgreSQL as"
    return None


@dataclass
class PostgresServer:
    """A running temporary PostgreSQL: its port, folder and superuser."""

    root: Path
    port: int
    user: str
    bin: Path

    def _run(self, *args: str, check: bool = True) -> subprocess.CompletedProcess:
        command = [str(a) for a in args]
        if os.geteuid() == 0:
            command = ["runuser", "-u", "postgres", "--", *command]
        return subprocess.run(command, capture_output=True, text=True, check=check, timeout=120)

    def psql(self, sql: str, database: str = "postgres") -> str:
        result = self._run(
            self.bin / "psql", "-h", "127.0.0.1", "-p", str(self.port), "-U", self.user, "-d", database,
            "-v", "ON_ERROR_STOP=1", "-At", "-c", sql,
        )
        return result.stdout

    def create_database(self, name: str) -> str:
        """Create database ``name`` and return its libpq connection string (DuckLake's ``postgres:`` form)."""
        self.psql(f'CREATE DATABASE "{name}"')
        return self.dsn(name)

    def dsn(self, database: str) -> str:
        return f"dbname={database} host=127.0.0.1 port={self.port} user={self.user}"

    def stop(self) -> None:
        self._run(self.bin / "pg_ctl", "-D", self.root / "data", "-m", "immediate", "-w", "stop", check=False)
        shutil.rmtree(self.root, ignore_errors=True)


def start() -> PostgresServer:
    """Start a fresh server; raises RuntimeError with PostgreSQL's own output when it does not come up."""
    reason = unavailable_reason()
    if reason:
        raise RuntimeError(reason)
    binaries = bin_dir()
    assert binaries is not None
    root = Path(tempfile.mkdtemp(prefix="faibric-pg-"))
    user = "postgres" if os.geteuid() == 0 else pwd.getpwuid(os.geteuid()).pw_name
    if os.geteuid() == 0:
        entry = pwd.getpwnam("postgres")
        os.chown(root, entry.pw_uid, entry.pw_gid)
    server = PostgresServer(root=root, port=free_port(), user=user, bin=binaries)
    try:
        server._run(binaries / "initdb", "-D", root / "data", "-U", user, "--auth=trust", "-E", "UTF8",
                    "--locale=C.UTF-8" if Path("/usr/lib/locale/C.utf8").exists() else "--locale=C")
        options = (f"-c listen_addresses=127.0.0.1 -c port={server.port} -c unix_socket_directories={root} "
                   "-c fsync=off -c max_connections=200 -c shared_buffers=64MB")
        server._run(binaries / "pg_ctl", "-D", root / "data", "-o", options, "-l", root / "server.log",
                    "-w", "-t", "60", "start")
    except subprocess.CalledProcessError as exc:
        log = (root / "server.log").read_text(errors="replace") if (root / "server.log").exists() else ""
        shutil.rmtree(root, ignore_errors=True)
        raise RuntimeError(f"PostgreSQL did not start: {exc.stderr or exc.stdout}\n{log[-2000:]}") from None
    return server
