"""The build wing: a session's prompt to a live site, and every later change, run as cancellable jobs.

Stages, one module each, in the order a build runs them:

* :mod:`.plan`: classify the prompt into a brief; library search and reuse decisions;
* :mod:`.generate`: model calls (split or single), file safety, the assembled project;
* :mod:`.check`: validation and a bundle check, at most one AI fix;
* :mod:`.publish`: the preview document, the deploy, what the library learns;
* :mod:`.modify`: a change to a built site (targeted edits, then a rewrite);
* :mod:`.run`: :func:`run_build`, the stages in order;
* :mod:`.context`: :class:`BuildRun` (the state every stage shares), the results,
  and :data:`ProgressFn`, the one progress signature ``(stage, percent, message)``;
* :mod:`.budgets`: per-tenant monthly budgets (cheap model, then offline, then refuse);
* :mod:`.traces`: every build and change as a trace of spans;
* :mod:`.evals`: ``faibric eval``, the prompt set built per variant and scored;
* :mod:`.jobs`: :class:`JobRunner`, the one runner the CLI, the studio and the
  API use (submit, progress, cancel, result), and :mod:`.leases`, which keeps
  one job per session across processes and notices a killed one.

See ``docs/architecture.md`` for the map of the whole package.
"""

from .context import DEPLOY_TARGETS, BuildResult, BuildRun, ModifyResult, ProgressFn, TextFn
from .jobs import Job, JobRunner, Progress, get_runner, run_in_foreground, set_runner
from .modify import modify_site
from .publish import deploy_session
from .queue import default_runner
from .run import run_build

__all__ = [
    "DEPLOY_TARGETS",
    "BuildResult",
    "BuildRun",
    "Job",
    "JobRunner",
    "ModifyResult",
    "Progress",
    "ProgressFn",
    "TextFn",
    "deploy_session",
    "default_runner",
    "get_runner",
    "modify_site",
    "run_build",
    "run_in_foreground",
    "set_runner",
]
