"""The ``faibric`` command line: one module per command group, shared output helpers, no cycle.

:mod:`.app` holds the root group and registers every module's ``COMMANDS``;
:mod:`.output` holds what every command shares (``--json``, :func:`emit`,
:func:`progress`). Commands only parse options, call the package and print;
the work itself lives in the package's other rooms.
"""

from .app import main

__all__ = ["main"]
