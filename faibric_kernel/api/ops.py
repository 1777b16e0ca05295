"""The operator's routes: is the API up."""

from __future__ import annotations

import time

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from .. import __version__
from ..errors import FaibricError
from .models import Health

__all__ = ["router"]

router = APIRouter(tags=["ops"])


def health(request: Request):
    """Is the API up and its store readable; how many builds run here."""
    from ..store import read_connection

    started = time.perf_counter()
    try:
        with read_connection(include_spool=False, timeout=3, events=False) as con:
            con.execute("SELECT 1").fetchall()
        store = {"ok": True, "ms": round((time.perf_counter() - started) * 1000, 1)}
    except FaibricError as exc:
        store = {"ok": False, "detail": "the store cannot be read"}
        request.app.state.last_store_error = exc.message  # for the operator's log, not for callers
    running = len(request.app.state.context.journey.worker.running_jobs())
    body = {"ok": store["ok"], "version": __version__, "store": store, "builds_running": running}
    return JSONResponse(body, status_code=200 if store["ok"] else 503)


router.add_api_route("/api/health/", health, methods=["GET"], response_model=Health,
                     responses={503: {"model": Health}})
router.add_api_route("/api/health", health, methods=["GET"], include_in_schema=False)
