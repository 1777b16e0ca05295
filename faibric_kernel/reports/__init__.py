"""The daily report: figures from the store, a summary that cites only them, papermill runs, the record.

* :mod:`.data`: each section's figures for one day and tenant (:func:`build_report`).
* :mod:`.summary`: the deterministic writer, the model writer, and the check that every number is a figure.
* :mod:`.notebook`: what ``notebooks/daily_report.ipynb`` calls, one function per section.
* :mod:`.runner`: :func:`run_daily_report` (papermill, HTML without code, ``report_runs``, email).
* :mod:`.cli`: ``faibric report daily|runs``.
"""

from .data import DailyReport, build_report, default_report_date, parse_report_date
from .runner import ReportRun, list_runs, report_dir, run_daily_report
from .summary import choose_summary, uncited_numbers, write_offline_summary

__all__ = [
    "DailyReport",
    "ReportRun",
    "build_report",
    "choose_summary",
    "default_report_date",
    "list_runs",
    "parse_report_date",
    "report_dir",
    "run_daily_report",
    "uncited_numbers",
    "write_offline_summary",
]
