"""Faibric's exceptions: one tree, rooted at :class:`FaibricError`.

Every error a user can meet is a ``FaibricError`` whose message says what went
wrong and what to set or do. Errors from SDKs (anthropic, PyGithub, httpx,
DuckDB) are translated at the boundary where they are caught.

::

    FaibricError
    ├── ConfigError                 a setting is missing or invalid
    │   └── MissingKeyError         an API key is needed and not set
    ├── WorkspaceError              FAIBRIC_HOME cannot be created or written
    ├── StoreError                  the DuckDB store, the spool or the state's PostgreSQL failed
    │   ├── StoreLockedError        another process holds the database
    │   ├── StateUnreachableError   the state's PostgreSQL (FAIBRIC_DATABASE_URL) cannot be reached
    │   ├── SpoolError              a spool segment is corrupt or unwritable
    │   └── LakeError               the event lake (DuckLake: FAIBRIC_LAKE, FAIBRIC_LAKE_DATA) failed
    │       ├── LakeUnreachableError       its catalog's PostgreSQL cannot be reached
    │       ├── LakeNotInitialisedError    no catalog or tables yet: run `faibric lake init`
    │       ├── LakeExtensionMissingError  the ducklake/postgres extension file is not installed
    │       └── LakeConflictError          another host's commit won a race that retrying did not settle
    ├── InvalidInputError           bad input from a user or caller
    │   ├── NotFoundError           an id that does not exist
    │   ├── UnknownNameError        a provider, deploy target, backend or view that is not registered
    │   └── UnsafePathError         a generated file path would escape its project
    ├── ProviderError               an AI provider call failed
    │   ├── RateLimitedError        the provider answered 429 / overloaded
    │   └── MalformedOutputError    the model's output could not be used
    ├── ValidationFailedError       generated code did not pass validation
    ├── BuildError                  a build failed or was refused
    │   ├── BuildStoppedError       a build was stopped on request
    │   ├── BudgetExceededError     the tenant's hard monthly budget is used up (HTTP 402)
    │   └── IllegalTransitionError  a session status change that is not allowed
    ├── DeployError                 a deploy target failed
    ├── EmailError                  an email backend failed
    ├── AuthError                   a magic link or token is expired, used or forged
    └── ReportError                 the daily report could not be produced
"""

from __future__ import annotations

__all__ = [
    "AuthError",
    "BudgetExceededError",
    "BuildError",
    "BuildStoppedError",
    "ConfigError",
    "DeployError",
    "EmailError",
    "FaibricError",
    "IllegalTransitionError",
    "InvalidInputError",
    "LakeConflictError",
    "LakeError",
    "LakeExtensionMissingError",
    "LakeNotInitialisedError",
    "LakeUnreachableError",
    "MalformedOutputError",
    "MissingKeyError",
    "NotFoundError",
    "ProviderError",
    "RateLimitedError",
    "ReportError",
    "SpoolError",
    "StoreError",
    "StateUnreachableError",
    "StoreLockedError",
    "UnknownNameError",
    "UnsafePathError",
    "ValidationFailedError",
    "WorkspaceError",
]


class FaibricError(Exception):
    """Root of every error Faibric raises on purpose.

    ``str(error)`` is one line a user can act on; ``details`` carries
    structured context (never secrets) for logs and JSON output.
    """

    exit_code = 1

    def __init__(self, message: str, **details):
        super().__init__(message)
        self.message = message
        self.details = details

    def to_dict(self) -> dict:
        return {"error": type(self).__name__, "message": self.message, **self.details}


class ConfigError(FaibricError):
    """A setting is missing or has a value Faibric cannot use."""


class MissingKeyError(ConfigError):
    """An API key is needed and not set; the message names the variable."""


class WorkspaceError(FaibricError):
    """The workspace (``FAIBRIC_HOME``) cannot be created or written."""


class StoreError(FaibricError):
    """The event store (DuckDB or its spool) failed."""


class StoreLockedError(StoreError):
    """The database stayed locked by another process for too long."""


class SpoolError(StoreError):
    """A spool segment could not be written or read."""


class StateUnreachableError(StoreError):
    """PostgreSQL (``FAIBRIC_DATABASE_URL``) cannot be reached or refused the connection."""


class LakeError(StoreError):
    """The event lake (a DuckLake catalog in PostgreSQL, Parquet files in a shared folder) failed."""


class LakeUnreachableError(LakeError):
    """The PostgreSQL database that holds the lake's catalog cannot be reached."""


class LakeNotInitialisedError(LakeError):
    """The lake's catalog or its tables do not exist yet; ``faibric lake init`` creates them."""


class LakeExtensionMissingError(LakeError):
    """The DuckDB extension file the lake needs (ducklake, postgres) is not installed."""


class LakeConflictError(LakeError):
    """Another host's commit to the lake kept winning the race, after every retry."""


class InvalidInputError(FaibricError):
    """Input from a user or a caller that Faibric refuses."""

    exit_code = 2


class NotFoundError(InvalidInputError):
    """A session, version, item or other id that does not exist."""


class UnknownNameError(InvalidInputError):
    """A name that no registry entry has (a provider, deploy target, email backend, embedder or dashboard)."""


class UnsafePathError(InvalidInputError):
    """A file path that is absolute, escapes its folder or is otherwise hostile."""


class ProviderError(FaibricError):
    """An AI provider call failed after its retries."""


class RateLimitedError(ProviderError):
    """The provider kept answering 429 / 529 (overloaded)."""


class MalformedOutputError(ProviderError):
    """The model answered with output Faibric could not parse or repair."""


class ValidationFailedError(FaibricError):
    """Generated code did not pass validation, even after the bounded fix."""


class BuildError(FaibricError):
    """A build failed, or was refused (for example: already building)."""


class BuildStoppedError(BuildError):
    """A build was stopped on request; the session is left ``stopped``."""


class BudgetExceededError(BuildError):
    """A tenant's hard monthly AI budget is used up: new builds and changes are refused (HTTP 402)."""


class IllegalTransitionError(BuildError):
    """A session status change that the lifecycle does not allow."""


class DeployError(FaibricError):
    """A deploy target refused or failed a deploy."""


class EmailError(FaibricError):
    """An email backend could not send; the message stays queued for a retry."""


class AuthError(FaibricError):
    """A magic link or access token that is expired, already used or forged."""


class ReportError(FaibricError):
    """The daily report failed; the message names the failing cell."""
