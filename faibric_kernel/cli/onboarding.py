"""Commands for the onboarding side: ``faibric serve`` (the HTTP API), ``faibric worker`` (builds from the
queue) and ``faibric stop SESSION``.

:func:`register` adds them to the ``faibric`` group and makes every CLI run
start by recovering builds whose process died (see :mod:`.leases`).
"""

from __future__ import annotations

import functools
import os
import signal
import sys

import click

from ..errors import FaibricError, InvalidInputError, LakeNotInitialisedError, WorkspaceError
from ..ports import port_free
from .output import emit, json_option, progress

__all__ = ["COMMANDS", "recover_first", "serve", "stop", "worker"]


@click.command()
@click.argument("session_id")
@click.option("--tenant", default=None, help="only within this tenant")
@click.option("--timeout", default=10.0, show_default=True, help="seconds to wait for the build to end")
@json_option
def stop(session_id: str, tenant: str | None, timeout: float, as_json: bool) -> None:
    """Stop a session: cancel its running build or change (in any process) and leave it stopped."""
    from ..onboarding.flow import stop as stop_session

    answer = stop_session(session_id, tenant_id=tenant, timeout=timeout)

    def human(d):
        click.echo(f"{d['session_id']}: {d['status']}" + (f" ({d['message']})" if d.get("message") else ""))

    emit(answer, as_json, human)
    if answer.get("stop_pending"):
        sys.exit(1)


@click.command()
@click.option("--port", default=8321, show_default=True, type=click.IntRange(1, 65535), help="port to listen on")
@click.option("--host", default="127.0.0.1", show_default=True, help="address to listen on")
@click.option("--log-level", default="info", show_default=True,
              type=click.Choice(["critical", "error", "warning", "info", "debug"]))
@click.option("--access-log/--no-access-log", default=True, show_default=True, help="log every request")
def serve(port: int, host: str, log_level: str, access_log: bool) -> None:
    """Run the onboarding HTTP API (OpenAPI document at /openapi.json, docs at /docs)."""
    import uvicorn

    from ..api import create_app

    if not port_free(port, host):
        raise InvalidInputError(f"port {port} on {host} is in use; choose another with --port")
    shown = "127.0.0.1" if host in ("0.0.0.0", "::") else host
    base = f"http://{shown}:{port}"
    progress(f"Faibric onboarding API on {base} (docs: {base}/docs); Ctrl-C stops it")
    # recorded so `faibric health` checks it and `faibric monitor` restarts it if it dies
    from ..services import register_service, unregister_service

    register_service("api", os.getpid(), port, host=shown, health_path="/api/health")
    # uvicorn re-raises SIGTERM after its graceful shutdown; exiting through SystemExit lets the
    # finally below unregister, so a deliberate stop is not mistaken for a crash and restarted
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    try:
        uvicorn.run(create_app(public_url=base), host=host, port=port, log_level=log_level, access_log=access_log,
                    server_header=False)
    finally:
        unregister_service("api", os.getpid())


@click.command()
@click.option("--concurrency", default=1, show_default=True, type=click.IntRange(1, 32),
              help="builds this worker runs at once")
@click.option("--name", default=None, help="the worker's name in logs (default: host:pid)")
def worker(concurrency: int, name: str | None) -> None:
    """Take build and change jobs from the queue in FAIBRIC_DATABASE_URL until stopped (run one or more per machine).

    SIGTERM or Ctrl-C finishes the running builds first. Without FAIBRIC_DATABASE_URL there is no queue:
    builds run in the process that starts them.
    """
    import logging

    from ..build.queue import run_worker
    from ..errors import ConfigError
    from ..store.db import describe_state as describe
    from ..store.state import database_url

    if database_url() is None:
        raise ConfigError("`faibric worker` takes builds from the queue in FAIBRIC_DATABASE_URL, which is not set; "
                          "set it on every API host and worker (without it, builds run in the process that "
                          "starts them and no worker is needed)")

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(levelname)s %(message)s")
    progress(f"Faibric build worker on {describe()} (concurrency {concurrency}); Ctrl-C stops it")
    run_worker(concurrency=concurrency, name=name)


def recover_first(callback):
    """Wrap the root command so every run first marks builds whose process died as interrupted."""

    @functools.wraps(callback)
    def wrapper(*args, **kwargs):
        try:
            from ..build.leases import recover_interrupted

            recovered = recover_interrupted()
            if recovered:
                progress(f"marked {len(recovered)} interrupted build(s) as error: {', '.join(recovered)}")
        except (WorkspaceError, LakeNotInitialisedError):
            pass  # the command itself reports an unusable workspace or a lake to init, once
        except FaibricError as exc:
            progress(f"warning: could not check for interrupted builds: {exc.message}")
        return callback(*args, **kwargs)

    return wrapper


COMMANDS = [serve, stop, worker]
