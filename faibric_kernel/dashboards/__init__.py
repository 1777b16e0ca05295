"""The stakeholder dashboards: seven Voila notebooks over the event store, secured by role.

* :mod:`.views`: the dashboards (overview, users, user_detail, funnel,
  cohorts, health, costs), each a small class that reads the store through one
  short read-only connection and returns blocks (:mod:`.blocks`).
* :mod:`.data`: the queries only the dashboards need; metrics with their own
  definition come from :mod:`faibric_kernel.analytics`.
* :mod:`.figures`: plotly figures; :mod:`.safety`: escaping and CSV.
* :mod:`.roles` and :mod:`.auth`: stakeholder and analyst tokens, and how the
  role reaches a kernel without the browser being able to change it.
* :mod:`.server` and :mod:`.cli`: ``faibric dashboards``, serving
  ``dashboards/`` with Voila; :mod:`.notebooks` generates those notebooks;
  :mod:`.pool` makes one pool of pre-heated kernels serve them all.

The widgets live in :mod:`faibric_kernel.ui.dashboards` (the only place
ipywidgets is imported).
"""

from __future__ import annotations

from .notebooks import DASHBOARD_NAMES, dashboards_dir

__all__ = ["DASHBOARD_NAMES", "dashboards_dir"]
