"""Every dashboard in one registry, and :func:`build`, the entry point the widget layer calls.

The views themselves live in :mod:`.views` (overview, users, user detail,
funnel, cohorts, health, costs) and :mod:`.sites` (live sites); this module
only lists them, so neither imports the other.
"""

from __future__ import annotations

from ..registry import Registry
from .blocks import Block
from .sites import Sites
from .views import (
    Cohorts,
    Costs,
    Funnel,
    Health,
    Overview,
    UserDetail,
    Users,
    View,
    ViewContext,
    guarded_section,
)

__all__ = ["VIEWS", "build"]

VIEWS: Registry[View] = Registry("dashboard")
for _view in (Overview(), Users(), UserDetail(), Funnel(), Cohorts(), Health(), Costs(), Sites()):
    VIEWS.register(_view)


def build(name: str, ctx: ViewContext) -> list[Block]:
    """The blocks of dashboard ``name`` for this context; failures become notices, never tracebacks."""
    view = VIEWS.lookup(name)
    blocks: list[Block] = []
    guarded_section(blocks, view.title, lambda: view.build(ctx))
    return blocks
