"""``faibric build | modify | versions | restore | sessions | session | deploy``.

Progress and the model's streamed text go to stderr; with ``--json`` exactly
one JSON document goes to stdout. Errors are :class:`FaibricError`, which the
command group turns into one line on stderr and a non-zero exit.
"""

from __future__ import annotations

import sys
from contextlib import contextmanager

import click

from ..build import deploy_session, modify_site, run_build, run_in_foreground
from ..errors import FaibricError
from .output import emit, json_option, progress

__all__ = ["COMMANDS", "build", "deploy", "modify", "restore", "session", "sessions", "versions"]

TARGETS = ["local", "github", "render", "github+render", "none"]


class _Console:
    """Progress lines and streamed text on stderr, without mixing them up."""

    def __init__(self, stream_text: bool):
        self.stream_text = stream_text
        self.mid_line = False
        self.last = None
        self.last_stage = None
        self.last_percent = 0

    def progress(self, stage: str, percent: int, message: str) -> None:
        line = f"[{percent:>3}%] {stage}: {message}"
        if stage == "generate" and self.last_stage == "generate":
            if self.stream_text or percent < self.last_percent + 10:
                return  # the streamed text (or a line every 10%) already shows generation going on
        self.last_stage, self.last_percent = stage, percent
        if line == self.last:
            return
        self.last = line
        if self.mid_line:
            sys.stderr.write("\n")
            self.mid_line = False
        progress(line)

    def text(self, piece: str) -> None:
        if not self.stream_text:
            return
        sys.stderr.write(piece)
        sys.stderr.flush()
        self.mid_line = not piece.endswith("\n")

    def done(self) -> None:
        if self.mid_line:
            sys.stderr.write("\n")
            self.mid_line = False


def _streams_text(verbose: bool, quiet: bool) -> bool:
    """The model's text goes to stderr with ``--verbose``, or by default when stderr is a terminal."""
    return not quiet and (verbose or sys.stderr.isatty())


@contextmanager
def _json_on_failure(as_json: bool, session_id: str | None = None):
    """With ``--json``, a failure still prints one JSON document on stdout (the error line goes to stderr)."""
    try:
        yield
    except FaibricError as exc:
        if as_json:
            emit({"status": "error", "error": exc.message,
                  "session_id": exc.details.get("session_id") or session_id}, True)
        raise


def _run_cancellable(func, session, kind, *args, **kwargs):
    """Run ``func(session_id, *args, cancel=..., **kwargs)`` as a job; Ctrl-C or `faibric stop` stops it."""
    return run_in_foreground(
        kind, session, lambda _progress, cancel: func(session.session_id, *args, cancel=cancel, **kwargs),
        on_interrupt=lambda: progress("stopping (Ctrl-C again to quit at once)..."))


def _human_build(result) -> None:
    data = result.to_dict()
    click.echo(f"{data['status']}: session {data['session_id']}, version {data['version']}, "
               f"{len(data['files'])} files, ${data['cost_usd']:.4f}")
    click.echo(f"project: {data['project_dir']}")
    if data.get("preview_path"):
        click.echo(f"preview: {data['preview_path']}")
    if data.get("url"):
        click.echo(f"live at: {data['url']}")
    for note in data.get("notes") or []:
        click.echo(f"note: {note}")


def _build_json(result) -> dict:
    data = result.to_dict()
    return {"session_id": data["session_id"], "status": data["status"], "project_id": data["project_id"],
            "project_dir": data["project_dir"], "files": data["files"], "version": data["version"],
            "url": data["url"], "cost_usd": data["cost_usd"], "provider": data["provider"], "model": data["model"],
            "reused": data["reused"], "preview_path": data["preview_path"], "deploy": data["deploy"],
            "validation": data["validation"], "usage": data["usage"], "notes": data["notes"],
            "seconds": data["seconds"], "brief": data["brief"]}


@click.command()
@click.argument("prompt")
@click.option("--email", default=None, help="the customer's email (default: an operator build)")
@click.option("--tenant", default="default", show_default=True)
@click.option("--provider", type=click.Choice(["auto", "offline", "anthropic"]), default="auto", show_default=True,
              help="auto: anthropic when ANTHROPIC_API_KEY is set, else offline")
@click.option("--model", default=None, help="override the strong model for this build")
@click.option("--variant", default=None, help="the prompt variant (default: assigned by weight; faibric variants list)")
@click.option("--deploy", "deploy_target", type=click.Choice(TARGETS), default="local", show_default=True)
@click.option("--no-preview", is_flag=True, help="skip the bundle check and preview (faster)")
@click.option("--verbose", is_flag=True, help="stream the model's text to stderr (the default on a terminal)")
@click.option("--quiet", is_flag=True, help="never stream the model's text")
@json_option
def build(prompt, email, tenant, provider, model, variant, deploy_target, no_preview, verbose, quiet, as_json):  # noqa: PLR0913 - one parameter per command-line option
    """Build a site from PROMPT: a validated project folder, a version, a preview, a deploy.

    With ``--deploy none`` nothing is deployed: the result has a preview and
    no URL. ``--json`` prints one JSON document, on failure too.
    """
    from ..deploy import preflight
    from ..generation.variants import assignable
    from ..sessions import create_session

    with _json_on_failure(as_json):
        preflight(deploy_target)  # refuse a target with missing settings before a session or a build exists
        if variant:
            assignable(variant)  # an unknown or retired variant is refused before a session exists
        session = create_session(prompt, tenant_id=tenant, email=email,
                                 provider=None if provider == "auto" else provider, deploy_target=deploy_target,
                                 variant=variant)
    console = _Console(stream_text=_streams_text(verbose, quiet))
    progress(f"session {session.session_id}")
    try:
        with _json_on_failure(as_json, session.session_id):
            result = _run_cancellable(run_build, session, "build", provider=None if provider == "auto" else provider,
                                      model=model, deploy_target=deploy_target, on_progress=console.progress,
                                      on_text=console.text, preview=not no_preview)
    finally:
        console.done()
    emit(_build_json(result) if as_json else result, as_json, _human_build)


@click.command()
@click.argument("session_id")
@click.argument("request")
@click.option("--provider", type=click.Choice(["auto", "offline", "anthropic"]), default="auto", show_default=True)
@click.option("--no-preview", is_flag=True, help="skip the bundle check and preview")
@click.option("--verbose", is_flag=True, help="stream the model's text to stderr (the default on a terminal)")
@click.option("--quiet", is_flag=True, help="never stream the model's text")
@json_option
def modify(session_id, request, provider, no_preview, verbose, quiet, as_json):
    """Change a built site: only the files the REQUEST needs change; a new version."""
    from ..sessions import get_session

    console = _Console(stream_text=_streams_text(verbose, quiet))
    try:
        with _json_on_failure(as_json, session_id):
            result = _run_cancellable(modify_site, get_session(session_id), "modify", request,
                                      provider=None if provider == "auto" else provider,
                                      on_progress=console.progress, on_text=console.text, preview=not no_preview)
    finally:
        console.done()

    def human(r):
        click.echo(f"{r.status}: version {r.version} (was {r.previous_version}) by {r.method} after "
                   f"{r.attempts} attempt(s); changed {', '.join(r.touched) or 'nothing'}; ${r.cost_usd:.4f}")

    emit(result.to_dict() if as_json else result, as_json, human)


@click.command()
@click.argument("session_id")
@json_option
def versions(session_id, as_json):
    """The versions of a session's project, oldest first."""
    from ..projects import list_versions, project_for_session

    project = project_for_session(session_id)
    rows = [v.summary() for v in list_versions(project.project_id)]
    data = {"session_id": session_id, "project_id": project.project_id, "current_version": project.current_version,
            "project_dir": str(project.dir), "versions": rows}

    def human(d):
        for v in d["versions"]:
            mark = "*" if v["version"] == d["current_version"] else " "
            cost = "-" if v["cost_usd"] is None else f"${v['cost_usd']:.4f}"
            changed = ", ".join(v["changed_files"] or [])[:70]
            click.echo(f"{mark} v{v['version']:<3} {v['created_at'][:19]}  {v['kind']:<8} {cost:>9}  "
                       f"{(v['prompt'] or '')[:50]!r}  [{changed}]")

    emit(data, as_json, human)


@click.command()
@click.argument("session_id")
@click.argument("version", type=int)
@json_option
def restore(session_id, version, as_json):
    """Make VERSION current again (as a new version; history is kept)."""
    from ..projects import project_dir
    from ..projects import restore as restore_version

    new = restore_version(session_id, version)
    data = {"session_id": session_id, "restored_from": version, "version": new.version,
            "changed_files": new.properties.get("changed_files"), "project_dir": str(project_dir(new.project_id))}
    emit(data, as_json, lambda d: click.echo(
        f"version {d['version']} restores version {d['restored_from']} "
        f"(changed: {', '.join(d['changed_files'] or []) or 'nothing'}); redeploy with `faibric deploy {session_id}`"))


@click.command()
@click.option("--tenant", default=None)
@click.option("--status", default=None)
@click.option("--limit", type=click.IntRange(min=1), default=50, show_default=True)
@json_option
def sessions(tenant, status, limit, as_json):
    """Recent sessions, newest first."""
    from ..sessions import list_sessions

    rows = [s.to_dict() for s in list_sessions(tenant_id=tenant, status=status, limit=limit)]

    def human(items):
        for s in items:
            click.echo(f"{s['session_id']:<14} {s['status']:<17} {s['updated_at'][:19]}  {s['tenant_id']:<10} "
                       f"{(s['prompt'] or '')[:60]!r}" + (f"  {s['url']}" if s.get("url") else ""))

    emit(rows, as_json, human)


@click.command()
@click.argument("session_id")
@json_option
def session(session_id, as_json):
    """One session: status, prompt, URL, and its project's current version."""
    from ..errors import NotFoundError
    from ..projects import project_for_session
    from ..sessions import get_session

    data = get_session(session_id).to_dict()
    try:
        project = project_for_session(session_id)
        data["project"] = project.to_dict()
    except NotFoundError:
        data["project"] = None

    def human(d):
        click.echo(f"{d['session_id']}: {d['status']}" + (f" ({d['status_reason']})" if d.get("status_reason") else ""))
        click.echo(f"prompt: {d['prompt']}")
        if d.get("url"):
            click.echo(f"url: {d['url']}")
        if d["project"]:
            click.echo(f"project: {d['project']['project_dir']} (version {d['project']['current_version']})")

    emit(data, as_json, human)


@click.command()
@click.argument("session_id")
@click.option("--target", type=click.Choice([t for t in TARGETS if t != "none"]), default="local", show_default=True)
@click.option("--version", "version", type=int, default=None, help="a stored version (default: the current one)")
@json_option
def deploy(session_id, target, version, as_json):
    """Deploy a session's project version (a rollback when VERSION is older)."""
    from ..sessions import get_session

    with _json_on_failure(as_json, session_id):
        result = _run_cancellable(deploy_session, get_session(session_id), "deploy", target, version,
                                  on_progress=lambda _stage, _percent, line: progress(line))
    emit(result.to_dict(), as_json, lambda d: click.echo(f"{d['status']}: {d['url'] or '(no url)'} via {d['target']}"))


COMMANDS = [build, modify, versions, restore, sessions, session, deploy]
