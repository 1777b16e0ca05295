"""Faibric: an AI website builder run as a Jupyter studio and ops console.

The names most callers need are re-exported here; everything else lives in
sub-packages (``store``, ``providers``, ``generation``, ``library``,
``deploy``, ``onboarding``, ``analytics``, ``reports``, ``ui``).
"""

from .errors import FaibricError
from .store import ingest, read_connection, record_api_call, record_event, write_connection

__version__ = "0.1.0"

__all__ = [
    "FaibricError",
    "__version__",
    "ingest",
    "read_connection",
    "record_api_call",
    "record_event",
    "write_connection",
]
