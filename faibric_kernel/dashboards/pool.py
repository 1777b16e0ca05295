"""One pool of pre-heated kernels for all the dashboards, and the Voila launcher that installs it.

Voila keeps a pool of pre-heated kernels per notebook. With eight dashboards
and a pool of one each, eight kernels (each ~300 MB: the package, DuckDB,
pandas, plotly and ipykernel) wait at all times, and the server held 3 GB
before anyone looked. Every dashboard notebook is the same call,
``show("<name>")``, and a pre-heated kernel only learns its viewer's request
after it has been handed out, so one warm kernel can serve any dashboard:
:class:`SharedPool` maps every dashboard notebook onto one pool (kept under
:data:`POOL_NOTEBOOK`), and the kernel reads which dashboard was asked for
from the request's path (:func:`requested_dashboard`).

Run as ``python -m faibric_kernel.dashboards.pool <folder>``: Voila's own
command line, with its kernel manager factory wrapped so the pool is shared.
"""

from __future__ import annotations

import sys
from pathlib import PurePath
from urllib.parse import unquote

from .notebooks import DASHBOARD_NAMES

__all__ = ["POOL_NOTEBOOK", "SharedPool", "main", "pool_key", "requested_dashboard"]

POOL_NOTEBOOK = "overview.ipynb"  # the entry dashboard: a pooled kernel warms up on it


def pool_key(notebook_name: str | None) -> str | None:
    """The pool a notebook's viewers draw from: the shared one for a dashboard, its own for anything else."""
    if notebook_name is None:
        return None
    path = PurePath(notebook_name)
    if path.suffix == ".ipynb" and path.stem in DASHBOARD_NAMES:
        return str(path.with_name(POOL_NOTEBOOK))
    return notebook_name


def requested_dashboard(script_name: str, default: str) -> str:
    """The dashboard a viewer's request path (``/voila/render/costs.ipynb``) names, else ``default``."""
    # the raw request path: Voila chose the notebook from the decoded one (user%5Fdetail.ipynb is user_detail)
    path = PurePath(unquote(script_name or ""))
    if path.suffix == ".ipynb" and path.stem in DASHBOARD_NAMES:
        return path.stem
    return default


class _KeyedData(dict):
    """``notebook_data`` read through :func:`pool_key`: a page of any dashboard finds the shared pool's entry."""

    def get(self, key, default=None):
        return super().get(pool_key(key), default)


class SharedPool:
    """Mixin for Voila's pre-heating kernel manager: every dashboard notebook draws from one pool."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        # the pool's kernels record their notebook here once started (after this), under the pool's key
        self.notebook_data = _KeyedData(self.notebook_data)

    def get_pool_size(self, notebook_name: str) -> int:
        return super().get_pool_size(pool_key(notebook_name))

    async def get_rendered_notebook(self, notebook_name: str, **kwargs):
        return await super().get_rendered_notebook(pool_key(notebook_name), **kwargs)

    def fill_if_needed(self, delay=None, notebook_name=None, **kwargs) -> None:
        # Voila hands the viewer's full URL (``?token=...`` included) to the kernel that refills the pool,
        # which the next viewer of any dashboard gets: no kernel is told a token
        kwargs.pop("extra_kernel_env_variables", None)
        return super().fill_if_needed(delay, pool_key(notebook_name), **kwargs)


def shared_pool_factory(factory):
    """Wrap Voila's ``voila_kernel_manager_factory`` so the class it makes pools kernels per :func:`pool_key`."""

    def make(base_class, preheat_kernel: bool, default_pool_size: int, **kwargs):
        manager = factory(base_class, preheat_kernel, default_pool_size, **kwargs)
        if not preheat_kernel:
            return manager
        return type("SharedPoolKernelManager", (SharedPool, manager), {})

    return make


def main(argv: list[str] | None = None) -> int:
    """Voila's command line with the shared pool installed."""
    import voila.app

    voila.app.voila_kernel_manager_factory = shared_pool_factory(voila.app.voila_kernel_manager_factory)
    sys.argv = [sys.argv[0], *(sys.argv[1:] if argv is None else argv)]
    return voila.app.main()


if __name__ == "__main__":
    sys.exit(main())
