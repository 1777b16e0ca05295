"""One registry shape for every extension point: providers, deployers, email backends, embedders, dashboard views.

A :class:`Registry` is a dict from a name to an entry (a small class, or a
view object) that declares its own ``name``. :meth:`Registry.register` adds
one (it works as a class decorator); :meth:`Registry.lookup` finds one or
raises :class:`~faibric_kernel.errors.UnknownNameError`, whose message lists
the names there are and, when the choice comes from a setting, which one to
change.
"""

from __future__ import annotations

from typing import TypeVar

from .errors import UnknownNameError

__all__ = ["Registry"]

T = TypeVar("T")


class Registry(dict[str, T]):
    """Named entries of one kind (``kind`` is how messages call them: "provider", "deploy target")."""

    def __init__(self, kind: str, *, setting: str | None = None):
        super().__init__()
        self.kind = kind
        self.setting = setting

    def register(self, entry: T) -> T:
        """Add ``entry`` under its ``name`` (usable as a class decorator); returns it."""
        name = getattr(entry, "name", None)
        if not name:
            raise ValueError(f"a {self.kind} needs a name: {entry!r}")
        self[name] = entry
        return entry

    def lookup(self, name: str) -> T:
        """The entry called ``name``, or an error that lists the choices."""
        try:
            return self[name]
        except KeyError:
            where = f"; set {self.setting} to one of them" if self.setting else ""
            raise UnknownNameError(
                f"unknown {self.kind} {name!r}; choose one of: {', '.join(sorted(self))}{where}",
                kind=self.kind, name=name, choices=sorted(self)) from None
