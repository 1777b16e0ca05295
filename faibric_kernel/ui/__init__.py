"""The widgets: the only part of Faibric that imports ipywidgets.

* :class:`Studio` (:mod:`.studio`): the operator's builder studio, shown by
  ``notebooks/builder.ipynb``; :mod:`.backend` is its door into the rest of
  Faibric and :mod:`.progressive` the placeholder shown while a site is built.
* :mod:`.dashboards`: the widgets of the Voila dashboards.

Names are loaded on first use, so importing :mod:`faibric_kernel.ui` stays cheap
and one broken module does not hide the others.
"""

from __future__ import annotations

import importlib

__all__ = ["Studio", "iframe_html", "placeholder_html", "sketch_prompt"]

_WHERE = {
    "Studio": ".studio",
    "iframe_html": ".studio",
    "placeholder_html": ".progressive",
    "sketch_prompt": ".progressive",
}


def __getattr__(name: str):
    module = _WHERE.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(module, __name__), name)


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
