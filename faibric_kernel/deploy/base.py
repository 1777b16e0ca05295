"""The deployer registry: what a site to deploy is, what a deploy returns, and the deployer shape.

One registry, :data:`DEPLOYERS`, maps a target name to a small class that
declares ``name``, ``needs_key`` and ``key_env_var`` and implements one
method, :meth:`Deployer.deploy`. :func:`get_deployer` makes one, with options
(injected clients in tests, for example).
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import ClassVar

from .. import config
from ..errors import DeployError, InvalidInputError, MissingKeyError
from ..registry import Registry

__all__ = [
    "DEPLOYERS",
    "DeployCancelledError",
    "DeployResult",
    "Deployer",
    "ProgressFn",
    "RemoteIdsFn",
    "SiteToDeploy",
    "get_deployer",
    "register_deployer",
    "utcnow",
    "validate_site_id",
]

ProgressFn = Callable[[str], None]
"""Receives one human-readable progress line."""

RemoteIdsFn = Callable[[dict], None]
"""Receives remote ids (service, deploy, commit...) as soon as a deployer learns them."""

_SITE_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$")


class DeployCancelledError(DeployError):
    """A running deploy was cancelled on request; any remote build was asked to stop."""


def utcnow() -> datetime:
    """Now, as the naive UTC timestamp the store keeps."""
    return datetime.now(UTC).replace(tzinfo=None)


def validate_site_id(site_id: str) -> str:
    """A site id is a URL path segment and a branch name part: letters, digits, ``-`` and ``_``."""
    if not isinstance(site_id, str) or not _SITE_ID.match(site_id):
        raise InvalidInputError(
            f"site id {site_id!r} is not usable: use 1-64 letters, digits, '-' or '_', starting with a letter or digit"
        )
    return site_id


@dataclass
class SiteToDeploy:
    """A built project version, ready for any deployer.

    ``files`` is the project source (what GitHub receives and Render builds);
    ``dist_dir`` is the bundled static site (what the local deployer serves).
    ``previous_remote_ids`` carries what earlier deploys of this site left
    remotely (a Render service id, for instance), so redeploys reuse it.
    """

    site_id: str
    session_id: str | None
    tenant_id: str
    project_id: str | None
    version: int | None
    files: dict[str, str]
    dist_dir: Path | None
    previous_remote_ids: dict = field(default_factory=dict)

    def __post_init__(self):
        validate_site_id(self.site_id)
        if self.dist_dir is not None:
            self.dist_dir = Path(self.dist_dir)


@dataclass
class DeployResult:
    """How one deploy ended: where the site lives and which remote objects hold it."""

    target: str
    status: str
    url: str | None
    remote_ids: dict
    started_at: datetime
    finished_at: datetime | None
    error: str | None = None
    deploy_id: str | None = None

    @property
    def ok(self) -> bool:
        return self.status == "live"

    @property
    def seconds(self) -> float | None:
        if self.finished_at is None:
            return None
        return (self.finished_at - self.started_at).total_seconds()

    def to_dict(self) -> dict:
        return {
            "deploy_id": self.deploy_id,
            "target": self.target,
            "status": self.status,
            "url": self.url,
            "remote_ids": self.remote_ids,
            "started_at": self.started_at.isoformat(),
            "finished_at": self.finished_at.isoformat() if self.finished_at else None,
            "seconds": self.seconds,
            "error": self.error,
        }


class Deployer:
    """A deploy target. Subclasses set the class attributes and implement :meth:`deploy`."""

    name: ClassVar[str] = ""
    needs_key: ClassVar[bool] = False
    key_env_var: ClassVar[str | None] = None
    # every setting the target cannot work without, checked before a build spends anything
    required_settings: ClassVar[tuple[str, ...]] = ()
    description: ClassVar[str] = ""

    def deploy(
        self,
        site: SiteToDeploy,
        *,
        on_progress: ProgressFn | None = None,
        cancel: threading.Event | None = None,
        on_remote_ids: RemoteIdsFn | None = None,
    ) -> DeployResult:
        raise NotImplementedError

    # helpers shared by deployers

    def _say(self, on_progress: ProgressFn | None, message: str) -> None:
        if on_progress is not None:
            on_progress(f"[{self.name}] {message}")

    def _check_cancel(self, cancel: threading.Event | None, what: str = "") -> None:
        if cancel is not None and cancel.is_set():
            raise DeployCancelledError(f"the {self.name} deploy was cancelled" + (f" {what}" if what else ""))

    @staticmethod
    def require_setting(name: str, purpose: str) -> str:
        value = config.get(name)
        if not value:
            raise MissingKeyError(f"{name} is not set; set it in the environment or in "
                                  f"{config.workspace(create=False) / '.env'} to {purpose}")
        return value


DEPLOYERS: Registry[type[Deployer]] = Registry("deploy target")


def register_deployer(cls: type[Deployer]) -> type[Deployer]:
    """Add a deployer class to :data:`DEPLOYERS` (usable as a class decorator)."""
    return DEPLOYERS.register(cls)


def get_deployer(name: str, **options) -> Deployer:
    """A deployer instance for target ``name``; options go to its constructor."""
    return DEPLOYERS.lookup(name)(**options)


def missing_settings(target: str) -> list[str]:
    """The settings deploy target ``target`` needs that are not set."""
    cls = DEPLOYERS.get(target)
    if cls is None:
        return []
    return [name for name in cls.required_settings if not config.is_set(name)]


def preflight(target: str | None) -> None:
    """Refuse a deploy target whose settings are missing, naming all of them at once."""
    if target in (None, "none"):
        return
    missing = missing_settings(target)
    if missing:
        raise MissingKeyError(
            f"the {target} deploy target needs {', '.join(missing)}; set them in the environment or in "
            f"{config.workspace(create=False) / '.env'}, or deploy locally (--deploy local when building, "
            "--target local when deploying again)"
        )
