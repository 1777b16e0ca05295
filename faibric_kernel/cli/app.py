"""The ``faibric`` command: one group, JSON on request, one clear line on error.

Every command that returns data takes ``--json`` and then prints exactly one
JSON document on stdout; progress goes to stderr (see :mod:`.output`). A
:class:`FaibricError` exits non-zero with one line on stderr (a traceback only
with ``--debug``). Each module of this package is one command group and lists
its commands in ``COMMANDS``; :data:`COMMAND_MODULES` below is the one place
they are registered.
"""

from __future__ import annotations

import sys

import click

from .. import __version__
from ..errors import FaibricError
from . import (
    analytics,
    budgets,
    build,
    dashboards,
    evals,
    events,
    lake,
    leads,
    library,
    monitor,
    onboarding,
    report,
    schedule,
    sites,
    studio,
    tenants,
    traces,
    variants,
    workspace,
)

__all__ = ["COMMAND_MODULES", "main"]


class FaibricGroup(click.Group):
    """Turns Faibric errors into one line on stderr and a non-zero exit."""

    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except FaibricError as exc:
            if ctx.find_root().params.get("debug"):
                raise
            click.echo(f"error: {exc.message}", err=True)
            sys.exit(exc.exit_code)
        except (click.exceptions.Exit, click.exceptions.Abort, click.ClickException):
            raise
        except KeyboardInterrupt:
            click.echo("interrupted", err=True)
            sys.exit(130)
        except BrokenPipeError:
            # the reader closed early (`faibric sessions | head`): not an error; silence the flush at exit
            import os

            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            sys.exit(0)
        except Exception as exc:  # noqa: BLE001 - the last line of defence
            if ctx.find_root().params.get("debug"):
                raise
            from ..store.lake import redact

            click.echo(f"error: unexpected {type(exc).__name__}: {redact(str(exc))} (run with --debug for details)",
                       err=True)
            sys.exit(1)


@click.group(cls=FaibricGroup)
@click.version_option(__version__, prog_name="faibric")
@click.option("--debug", is_flag=True, help="show tracebacks")
def main(debug: bool) -> None:
    """Faibric: build React sites from a prompt, and run the ops console."""


COMMAND_MODULES = [workspace, events, build, onboarding, sites, studio, dashboards, report, schedule, monitor,
                   analytics, library, variants, budgets, traces, evals, tenants, leads, lake]
for _module in COMMAND_MODULES:
    for _command in _module.COMMANDS:
        main.add_command(_command)
main.callback = onboarding.recover_first(main.callback)
