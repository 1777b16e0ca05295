"""Settings and the workspace, resolved when used and never at import time.

A setting is looked up, in order, in: an explicit value passed by the caller,
the process environment, then ``$FAIBRIC_HOME/.env``. Secrets come back as
:class:`Secret`, whose ``repr`` and ``str`` never show the value; call
``.reveal()`` at the one place that sends it.

The workspace (``FAIBRIC_HOME``, default ``~/.faibric``) holds the DuckDB
database, the spool, built sites, the email outbox and the reports.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from .errors import ConfigError, MissingKeyError, WorkspaceError

__all__ = [
    "SETTINGS",
    "Secret",
    "Setting",
    "get",
    "get_secret",
    "is_set",
    "workspace",
    "workspace_path",
]


class Secret:
    """A secret value that never prints itself."""

    __slots__ = ("_value", "name")

    def __init__(self, value: str, name: str = "secret"):
        self._value = value
        self.name = name

    def reveal(self) -> str:
        return self._value

    def __repr__(self) -> str:
        return f"Secret({self.name}=***)"

    __str__ = __repr__

    def __bool__(self) -> bool:
        return bool(self._value)

    def __eq__(self, other) -> bool:
        return isinstance(other, Secret) and other._value == self._value

    def __hash__(self) -> int:
        return hash(self._value)


@dataclass(frozen=True)
class Setting:
    """One documented setting: its variable, whether it is secret, its default."""

    name: str
    description: str
    secret: bool = False
    default: str | None = None


SETTINGS: dict[str, Setting] = {
    s.name: s
    for s in [
        Setting("FAIBRIC_HOME", "workspace folder", default="~/.faibric"),
        Setting("ANTHROPIC_API_KEY", "Anthropic API key; without it the offline provider is used", secret=True),
        Setting("ANTHROPIC_BASE_URL", "Anthropic API base URL (gateways, proxies)"),
        Setting("GITHUB_TOKEN", "GitHub token for the github deployer", secret=True),
        Setting("GITHUB_APPS_REPO", "owner/name of the (non-empty) repository sites are pushed to"),
        Setting("GITHUB_API_URL", "GitHub API URL (GitHub Enterprise)", default="https://api.github.com"),
        Setting("RENDER_API_KEY", "Render API key for the render deployer", secret=True),
        Setting("RENDER_OWNER_ID", "Render workspace (owner) id that owns created services"),
        Setting("RENDER_API_URL", "Render API base URL", default="https://api.render.com/v1"),
        Setting("FAIBRIC_EMAIL_BACKEND", "outbox | smtp | sendgrid", default="outbox"),
        Setting("FAIBRIC_EMAIL_FROM", "sender address", default="Faibric <no-reply@faibric.local>"),
        Setting("SMTP_HOST", "SMTP server host"),
        Setting("SMTP_PORT", "SMTP server port", default="587"),
        Setting("SMTP_USERNAME", "SMTP user name"),
        Setting("SMTP_PASSWORD", "SMTP password", secret=True),
        Setting("SMTP_STARTTLS", "use STARTTLS (1/0)", default="1"),
        Setting("SENDGRID_API_KEY", "SendGrid API key", secret=True),
        Setting("SENDGRID_API_URL", "SendGrid API URL", default="https://api.sendgrid.com"),
        Setting("FAIBRIC_STUDIO_TOKEN", "token the builder studio (JupyterLab) requires", secret=True),
        Setting("FAIBRIC_DASHBOARD_TOKEN", "token required by the Voila dashboards", secret=True),
        Setting("FAIBRIC_ANALYST_TOKEN", "dashboards token that also shows individual customers", secret=True),
        Setting("FAIBRIC_ALERT_WEBHOOK_URL", "webhook (e.g. Slack) that receives alerts", secret=True),
        Setting("FAIBRIC_SPOOL_FSYNC", "fsync every spooled record (1/0)", default="0"),
        Setting("FAIBRIC_MONTHLY_BUDGET_USD", "monthly AI budget used by forecasts and alerts"),
        Setting("FAIBRIC_HEALTH_WEIGHTS", "health component weights, e.g. engagement=0.3,recency=0.3,..."),
        Setting("FAIBRIC_HEALTH_THRESHOLDS", "health thresholds, e.g. red=50,yellow=75"),
        Setting("FAIBRIC_REPORT_EMAIL_TO", "who receives `faibric report daily --email`"),
        Setting("FAIBRIC_ALERT_EMAIL_TO", "who receives alert emails"),
        Setting("FAIBRIC_CRONTAB_FILE", "write the schedule to this file instead of the user's crontab"),
        Setting("FAIBRIC_REPORT_NOTEBOOK", "the daily report notebook (default: the one shipped)"),
        Setting("FAIBRIC_MODELS_FILE", "JSON file overriding the model per purpose (strong/cheap)"),
        Setting("FAIBRIC_PRICES_FILE", "JSON file overriding the price table (with effective dates)"),
        Setting("FAIBRIC_STRONG_MODEL", "model id that writes new code"),
        Setting("FAIBRIC_CHEAP_MODEL", "model id for classifying, summarising, adapting components"),
        Setting("FAIBRIC_CONSTRAINTS_DIR", "folder of the constraints/*.md rules (default: the repo's)"),
        Setting("FAIBRIC_MAX_FILES", "most files a generated project may have"),
        Setting("FAIBRIC_MAX_FILE_BYTES", "largest generated file, in bytes"),
        Setting("FAIBRIC_MAX_PROJECT_BYTES", "largest generated project, in bytes"),
        Setting("FAIBRIC_FORM_ENDPOINT", "URL generated forms POST to instead of Faibric's own /api/forms/{site_id}"),
        Setting("FAIBRIC_FORM_MIN_FILL_SECONDS", "a form sent faster than this is spam (honeypot's twin)", default="3"),
        Setting("FAIBRIC_RATE_FORM_PER_IP", "form submissions per IP, e.g. 5/minute (the default)"),
        Setting("FAIBRIC_RATE_FORM_PER_SITE", "form submissions per site, e.g. 100/hour (the default)"),
        Setting("FAIBRIC_RATE_COLLECT_PER_IP", "visitor beacon batches per IP, e.g. 300/minute (the default)"),
        Setting("FAIBRIC_RATE_COLLECT_PER_SITE", "visitor beacon batches per site, e.g. 30000/minute (the default)"),
        Setting("FAIBRIC_SITE_ORIGINS", "extra comma-separated origins every site's forms and beacon may post from"),
        Setting("FAIBRIC_SITE_ANALYTICS", "put the first-party visitor beacon into built sites (1/0)", default="1"),
        Setting("FAIBRIC_REUSE", "reuse library components when they match (1/0)", default="1"),
        Setting("FAIBRIC_PROMPT_CACHE", "use Anthropic prompt caching for the constraints (1/0)", default="1"),
        Setting("FAIBRIC_SPLIT_GENERATION", "strong model for new components only, cheap model for copy (1/0)",
                default="1"),
        Setting("FAIBRIC_TRACE_TEXT", "keep build traces' prompt and answer texts, redacted (1/0)", default="0"),
        Setting("FAIBRIC_PUBLIC_URL", "base URL in magic links (default: the API's own address)"),
        Setting("FAIBRIC_MAGIC_LINK_TTL_HOURS", "hours a magic link stays valid"),
        Setting("FAIBRIC_CORS_ORIGINS", "comma-separated origins the HTTP API allows"),
        Setting("FAIBRIC_RATE_INITIAL_PER_IP", "initial requests per IP, e.g. 5/minute (the default)"),
        Setting("FAIBRIC_RATE_EMAIL_PER_ADDRESS", "magic-link emails per address, e.g. 5/hour (the default)"),
        Setting("FAIBRIC_API_MAX_BODY_BYTES", "largest request body the HTTP API accepts"),
        Setting("FAIBRIC_API_TENANTS", "comma-separated tenants the HTTP API accepts (X-Faibric-Tenant)"),
        Setting("FAIBRIC_TRUST_PROXY", "take the client IP from X-Forwarded-For (1/0)"),
        Setting("FAIBRIC_PROXY_HOPS", "trusted proxies in front of the API: the client IP is that many "
                "entries from the right of X-Forwarded-For", default="1"),
        Setting("FAIBRIC_REDIS_URL", "Redis URL for rate limits shared by all API processes (default: in memory)",
                secret=True),
        Setting("FAIBRIC_RATE_EMAIL_PER_IP", "email submissions per IP, e.g. 10/minute (the default)"),
        Setting("FAIBRIC_RATE_VERIFY_PER_IP", "magic-link uses per IP, e.g. 30/minute (the default)"),
        Setting("FAIBRIC_RATE_ACTIONS_PER_IP", "trigger-build, modify, stop, feedback per IP (60/minute)"),
        Setting("FAIBRIC_RATE_STATUS_PER_IP", "session-status requests per IP (1200/minute)"),
        Setting("FAIBRIC_RATE_ANALYTICS_PER_IP", "analytics API requests per IP (120/minute)"),
        Setting("FAIBRIC_API_TIMEOUT_SECONDS", "seconds the API waits for a slow client's request", default="15"),
        Setting("FAIBRIC_DASHBOARD_MAX_KERNELS", "most kernels the dashboards server runs", default="24"),
        Setting("FAIBRIC_DASHBOARD_KERNELS_PER_VIEWER", "dashboard pages one viewer may open per 5 minutes",
                default="16"),
        Setting("FAIBRIC_SITES_INDEX", "list the sites on the sites server's front page (1/0)", default="0"),
        Setting("FAIBRIC_STATUS_CACHE_SECONDS", "how stale a cached session-status row may be"),
        Setting("FAIBRIC_BUILD_STALE_MINUTES", "minutes without a heartbeat before a build is interrupted"),
        Setting("FAIBRIC_BUILDS_IN_PROCESS", "with FAIBRIC_DATABASE_URL: 1 runs builds in the API's own process "
                "(one API host, no `faibric worker`) instead of the queue", default="0"),
        Setting("FAIBRIC_BUILD_LEASE_SECONDS", "with FAIBRIC_DATABASE_URL: seconds without a heartbeat before a "
                "build on another machine is interrupted", default="60"),
        Setting("FAIBRIC_INGEST_INTERVAL_SECONDS", "how often long-running services ingest the spool"),
        Setting("FAIBRIC_DATABASE_URL", "PostgreSQL for the state every host shares (sessions, projects, deploys, "
                "build jobs...), e.g. postgresql://faibric:pw@db/faibric (default: the workspace's DuckDB file)",
                secret=True),
        Setting("FAIBRIC_DATABASE_POOL_SIZE", "most PostgreSQL connections one process holds", default="8"),
        Setting("FAIBRIC_LAKE", "DuckLake catalog in PostgreSQL for every host's events, e.g. "
                "postgres:dbname=faibric host=db (default: the workspace's DuckDB file)", secret=True),
        Setting("FAIBRIC_LAKE_DATA", "folder every host shares for the lake's Parquet files (with FAIBRIC_LAKE)"),
        Setting("FAIBRIC_EMAIL_MAX_ATTEMPTS", "send attempts before a queued email is abandoned"),
        Setting("SMTP_CA_FILE", "CA bundle to verify the SMTP server's certificate"),
        Setting("SMTP_TIMEOUT", "SMTP timeout in seconds"),
        Setting("FAIBRIC_NODE_DIR", "where the pinned npm packages are installed once", default="~/.cache/faibric/node"),
        Setting("FAIBRIC_SITES_PORT", "port of the local sites server (0: any free port)", default="8765"),
        Setting("FAIBRIC_SITES_DIR", "folder of locally deployed sites, shared by several hosts (each host's sites "
                "server serves every site in it; default: the workspace's sites folder)"),
        Setting("FAIBRIC_SITES_SERVER", "run the local sites server as a detached `process` or a `thread`",
                default="process"),
        Setting("FAIBRIC_CHROMIUM", "chromium executable for browser checks", default="/usr/bin/chromium"),
    ]
}


def _home_from_env() -> Path:
    raw = os.environ.get("FAIBRIC_HOME") or SETTINGS["FAIBRIC_HOME"].default
    return Path(raw).expanduser()


def read_dotenv(path: Path) -> dict[str, str]:
    values: dict[str, str] = {}
    try:
        text = path.read_text(encoding="utf-8")
    except (FileNotFoundError, NotADirectoryError, PermissionError):
        return values
    for line in text.splitlines():
        line = line.strip()
        if not line or line.startswith("#") or "=" not in line:
            continue
        key, _, value = line.partition("=")
        key = key.strip().removeprefix("export ").strip()
        value = value.strip()
        if len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"":
            value = value[1:-1]
        values[key] = value
    return values


def get(name: str, default: str | None = None) -> str | None:
    """The value of setting ``name``: environment, then ``$FAIBRIC_HOME/.env``, then default.

    Secret settings are returned by :func:`get_secret` instead.
    """
    setting = SETTINGS.get(name)
    if setting is not None and setting.secret:
        raise ConfigError(f"{name} is a secret; read it with config.get_secret({name!r})")
    return _lookup(name, default if default is not None else (setting.default if setting else None))


def _lookup(name: str, default: str | None) -> str | None:
    value = os.environ.get(name)
    if value:
        return value
    if name != "FAIBRIC_HOME":
        value = read_dotenv(_home_from_env() / ".env").get(name)
        if value:
            return value
    return default


def get_secret(name: str, *, required: bool = False, purpose: str = "") -> Secret | None:
    """A secret setting wrapped in :class:`Secret`, or ``None`` when unset.

    With ``required=True`` an unset secret raises :class:`MissingKeyError`
    naming the variable to set.
    """
    value = _lookup(name, None)
    if not value:
        if required:
            why = f" to {purpose}" if purpose else ""
            raise MissingKeyError(
                f"{name} is not set; set it in the environment or in "
                f"{_home_from_env() / '.env'}{why}"
            )
        return None
    return Secret(value, name)


def is_set(name: str) -> bool:
    """Whether a setting (secret or not) has a value."""
    return bool(_lookup(name, None))


def get_int(name: str, default: int) -> int:
    raw = get(name)
    if raw is None or raw == "":
        return default
    try:
        return int(raw)
    except ValueError:
        raise ConfigError(f"{name} must be a whole number, not {raw!r}") from None


def get_bool(name: str, default: bool = False) -> bool:
    raw = get(name)
    if raw is None or raw == "":
        return default
    return raw.strip().lower() in {"1", "true", "yes", "on"}


WORKSPACE_DIRS = ("spool", "sites", "projects", "outbox", "reports", "logs", "run")


_ready_workspaces: set[Path] = set()


def workspace(create: bool = True) -> Path:
    """The workspace folder, created (with its sub-folders) on first use."""
    home = _home_from_env()
    if not create or (home in _ready_workspaces and home.is_dir()):
        return home
    if home.exists() and not home.is_dir():
        raise WorkspaceError(f"the workspace {home} is a file, not a folder; set FAIBRIC_HOME to a folder you can write")
    try:
        # owner-only: the workspace holds customers' emails, logs and secrets' hashes
        home.mkdir(mode=0o700, parents=True, exist_ok=True)
        for sub in WORKSPACE_DIRS:
            (home / sub).mkdir(mode=0o700, exist_ok=True)
        for folder in (home, home / "logs"):
            if folder.stat().st_mode & 0o077 and folder.stat().st_uid == os.getuid():
                folder.chmod(0o700)  # made by an older version, or under a lax umask
        probe = home / f".write-probe-{os.getpid()}"
        probe.write_bytes(b"")
        probe.unlink()
    except OSError as exc:
        raise WorkspaceError(
            f"cannot write the workspace {home}: {exc.strerror or exc}; "
            "set FAIBRIC_HOME to a folder you can write"
        ) from None
    _ready_workspaces.add(home)
    return home


def workspace_path(*parts: str) -> Path:
    """A path inside the workspace, e.g. ``workspace_path("outbox")``."""
    return workspace().joinpath(*parts)
