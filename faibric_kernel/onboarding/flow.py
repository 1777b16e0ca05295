"""The customer journey: prompt -> email -> magic link -> build -> live site -> changes -> feedback.

:class:`Onboarding` holds the parts a journey needs (the build worker, the
email backend, the classifier) and offers one method per step; the module
functions (``submit_request``, ``provide_email``, ...) call a process-wide
default instance. The HTTP API and the CLI both go through here, so the rules
are the same everywhere:

* a build is refused before the email is verified (``AuthError``, reason
  ``not_verified``) and while one is running (``BuildError``, reason
  ``already_building``);
* every call can be scoped to a tenant, and a session of another tenant is
  "not found";
* :meth:`Onboarding.status` answers from memory where it can (progress of
  builds running in this process; session rows re-read in the background
  when older than ``FAIBRIC_STATUS_CACHE_SECONDS``, default 1, so changes
  made by other processes show within about that time) so polling stays cheap.
"""

from __future__ import annotations

import re
import threading
import time
import uuid
from collections import OrderedDict
from datetime import UTC, datetime

from .. import config
from ..build import DEPLOY_TARGETS, JobRunner, default_runner, leases
from ..build.budgets import enforce as enforce_budget
from ..email import send_email, validate_address
from ..errors import AuthError, BuildError, IllegalTransitionError, InvalidInputError, NotFoundError
from ..generation.variants import assignable, choose_variant
from ..sessions import (
    ALLOWED,
    Session,
    create_session,
    get_session,
    get_sessions,
    issue_session_secret,
    transition,
    update_session,
    validate_prompt,
    was_verified,
)
from ..store import record_event, state_connection
from .classify import NEW_PROJECT, classify_message
from .magic_links import issue_link

__all__ = [
    "Onboarding",
    "assign_variant",
    "default_onboarding",
    "modify",
    "provide_email",
    "rebuild_magic_link_email",
    "status",
    "stop",
    "submit_feedback",
    "submit_request",
    "trigger_build",
    "validate_session_id",
    "validate_tenant",
    "verify",
]

MAX_MESSAGE_CHARS = 5_000
MAX_COMMENT_CHARS = 2_000
_ID = re.compile(r"^[A-Za-z0-9_-]{1,64}$")
_TENANT = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")
_VARIANT = re.compile(r"^[A-Za-z0-9_-]{1,16}$")
_BEFORE_VERIFICATION = {"request_submitted", "email_provided"}


def validate_session_id(session_id) -> str:
    if not isinstance(session_id, str) or not _ID.match(session_id):
        raise NotFoundError(f"no session {str(session_id)[:70]!r}; session ids are letters, digits, '-' and '_'")
    return session_id


def validate_tenant(tenant_id) -> str:
    if not isinstance(tenant_id, str) or not _TENANT.match(tenant_id):
        raise InvalidInputError(
            f"tenant {str(tenant_id)[:70]!r} is not valid; use up to 64 letters, digits, '.', '-' or '_'"
        )
    return tenant_id


def assign_variant(session_id: str) -> str:
    """The prompt variant for a session: by the variants' weights, fixed by its id (reproducible)."""
    return choose_variant(session_id)


def _iso(value) -> str | None:
    return value.isoformat() if isinstance(value, datetime) else value


class _SessionCache:
    """Session rows kept in memory for status polls.

    A row younger than ``ttl`` is served as is. An older one (up to
    ``max_stale``) is still served while one background thread re-reads it,
    together with every other stale row in one query (opening the store costs
    tens of milliseconds, so reads are batched, not made per poll), so a poll
    never waits for the database once the row is known; a missing
    or very old row is read right away, by one caller per session. Changes
    made through this process replace the row at once (``put``) or drop it
    (``invalidate``); a background read that started before such a change
    is discarded. ``ttl <= 0`` turns the cache off.
    """

    def __init__(self, ttl: float, max_entries: int = 10_000, max_stale: float | None = None):
        self.ttl = ttl
        self.max_stale = max_stale if max_stale is not None else max(5.0, 10 * ttl)
        self.max_entries = max_entries
        self._rows: OrderedDict[str, tuple[Session, float]] = OrderedDict()
        self._generation: dict[str, int] = {}
        self._refreshing: dict[str, int] = {}  # id -> generation when its re-read was asked for
        self._refresher: threading.Thread | None = None
        self._locks: dict[str, threading.Lock] = {}
        self._lock = threading.Lock()

    def fresh(self, session_id: str) -> Session | None:
        entry = self._rows.get(session_id)
        if entry is not None and time.monotonic() - entry[1] < self.ttl:
            return entry[0]
        return None

    def usable(self, session_id: str) -> Session | None:
        """A row to answer with now (fresh, or stale while it is re-read), or None."""
        entry = self._rows.get(session_id)
        if entry is None or self.ttl <= 0:
            return None
        age = time.monotonic() - entry[1]
        if age < self.ttl:
            return entry[0]
        if age < self.max_stale:
            self._refresh_later(session_id)
            return entry[0]
        return None

    def get(self, session_id: str) -> Session:
        session = self.usable(session_id)
        if session is not None:
            return session
        with self._lock:
            lock = self._locks.setdefault(session_id, threading.Lock())
            generation = self._generation.get(session_id, 0)
        with lock:
            session = self.fresh(session_id)
            if session is None:
                session = get_session(session_id)
                self._store(session, generation)
        return session

    def _store(self, session: Session, generation: int) -> None:
        with self._lock:
            if self._generation.get(session.session_id, 0) != generation:
                return  # changed through this process meanwhile: that row is newer
            self._insert(session)

    def _insert(self, session: Session) -> None:
        self._rows[session.session_id] = (session, time.monotonic())
        self._rows.move_to_end(session.session_id)
        while len(self._rows) > self.max_entries:
            old, _ = self._rows.popitem(last=False)
            self._locks.pop(old, None)
            self._generation.pop(old, None)

    def _refresh_later(self, session_id: str) -> None:
        with self._lock:
            if session_id in self._refreshing:
                return
            self._refreshing[session_id] = self._generation.get(session_id, 0)
            if self._refresher is None or not self._refresher.is_alive():
                self._refresher = threading.Thread(target=self._refresh_all, name="faibric-status-refresh",
                                                   daemon=True)
                self._refresher.start()

    def _refresh_all(self) -> None:
        """Re-read every stale row in one query per round, however many sessions are polled."""
        while True:
            with self._lock:
                batch = dict(self._refreshing)
                if not batch:
                    self._refresher = None
                    return
            try:
                rows = get_sessions(batch)
            except Exception:  # noqa: BLE001 - keep serving the stale rows; the next poll asks again
                rows = None
            with self._lock:
                for session_id, generation in batch.items():
                    if rows is not None:
                        if session_id in rows:
                            if self._generation.get(session_id, 0) == generation:
                                self._insert(rows[session_id])
                        else:
                            self._rows.pop(session_id, None)
                    self._refreshing.pop(session_id, None)
            if rows is None:
                time.sleep(self.ttl)

    def put(self, session: Session) -> None:
        if self.ttl <= 0:
            return
        with self._lock:
            self._generation[session.session_id] = self._generation.get(session.session_id, 0) + 1
            self._insert(session)

    def invalidate(self, session_id: str) -> None:
        with self._lock:
            self._generation[session_id] = self._generation.get(session_id, 0) + 1
            self._rows.pop(session_id, None)


class Onboarding:
    """The journey's steps, wired to a worker, an email backend and a classifier."""

    def __init__(self, *, worker: JobRunner | None = None, email_backend=None, classifier=None,
                 status_cache_seconds: float | None = None):
        self._worker = worker
        self.email_backend = email_backend
        self.classifier = classifier or classify_message
        ttl = status_cache_seconds
        if ttl is None:
            ttl = float(config.get("FAIBRIC_STATUS_CACHE_SECONDS") or 1.0)
        self.cache = _SessionCache(ttl)
        self._listening: set[int] = set()

    @property
    def worker(self) -> JobRunner:
        worker = self._worker or default_runner()
        if id(worker) not in self._listening:
            self._listening.add(id(worker))
            worker.add_listener(lambda job: self.cache.invalidate(job.session_id))
        return worker

    # -- helpers ------------------------------------------------------------------------------

    def _session(self, session_id: str, tenant_id: str | None) -> Session:
        validate_session_id(session_id)
        return get_session(session_id, tenant_id=tenant_id)

    def _changed(self, session: Session) -> Session:
        self.cache.put(session)
        return session

    # -- the steps ----------------------------------------------------------------------------

    def submit_request(self, prompt: str, tenant_id: str = "default", ip: str | None = None,
                       variant: str | None = None, *, provider: str | None = None,
                       deploy_target: str | None = None) -> Session:
        """Step 1: a prompt starts a session (``request_submitted``) with its A/B prompt variant."""
        prompt = validate_prompt(prompt)
        validate_tenant(tenant_id)
        session_id = uuid.uuid4().hex
        if variant is not None and (not isinstance(variant, str) or not _VARIANT.match(variant)):
            raise InvalidInputError("variant must be up to 16 letters, digits, '-' or '_' (e.g. A or B)")
        if variant is not None:
            assignable(variant)  # an unknown or retired variant is refused before a session exists
        properties = {"source": "onboarding", **({"ip": ip} if ip else {})}
        session = create_session(prompt, tenant_id=tenant_id, variant=variant or assign_variant(session_id),
                                 session_id=session_id, provider=provider, deploy_target=deploy_target,
                                 properties=properties)
        return self._changed(session)

    def provide_email(self, session_id: str, email: str, *, tenant_id: str | None = None) -> dict:
        """Step 2: record the email and send the magic link (queued for a retry if sending fails)."""
        email = self.check_email_step(session_id, email, tenant_id=tenant_id)
        update_session(session_id, email=email)
        session = transition(session_id, "email_provided", expected={"request_submitted", "email_provided"})
        sent = self._send_magic_link(session)
        self._changed(session)
        return {"session_id": session_id, "status": session.status, "email": email, "magic_link_sent": sent.ok,
                "email_queued": not sent.ok, "expires_at": sent.extra.get("expires_at")}

    def check_email_step(self, session_id: str, email: str, *, tenant_id: str | None = None) -> str:
        """Whether step 2 would be accepted (the address valid, the session waiting for one): the
        address, normalised, or the error step 2 would raise. Nothing is written."""
        email = validate_address(email)
        session = self._session(session_id, tenant_id)
        if session.status not in ("request_submitted", "email_provided"):
            raise IllegalTransitionError(
                f"session {session_id} is {session.status}; its email is already confirmed",
                reason="already_verified" if session.status != "stopped" else "stopped",
            )
        return email

    def _send_magic_link(self, session: Session):
        link = issue_link(session.session_id, session.email, tenant_id=session.tenant_id)
        content = _magic_link_email(session, link)
        result = send_email(
            content["to"], content["subject"], content["text"], content["html"],
            backend=self.email_backend, session_id=session.session_id, tenant_id=session.tenant_id,
            kind="magic_link", retry_builder="faibric_kernel.onboarding.flow:rebuild_magic_link_email",
            retry_payload={"session_id": session.session_id},
        )
        result.extra["expires_at"] = link.expires_at.isoformat()
        if result.ok:
            record_event("magic_link_sent", session_id=session.session_id, tenant_id=session.tenant_id,
                         actor=session.email, properties=content["on_sent_event"]["properties"])
        return result

    def verify(self, token: str) -> Session:
        """Step 3: a magic link's token proves the email; the session becomes ``verified``.

        Its session secret is issued and dropped here; the API uses :meth:`verify_with_secret`.
        """
        return self.verify_with_secret(token)[0]

    def verify_with_secret(self, token: str) -> tuple[Session, str]:
        """Step 3, as the API does it: verified, with the session secret to show the customer once."""
        from .magic_links import consume_token

        link = consume_token(token)
        session = get_session(link.session_id)
        if session.status != "email_provided":
            raise IllegalTransitionError(
                f"session {session.session_id} is {session.status}; there is nothing left to verify",
                reason="not_awaiting_verification",
            )
        if (session.email or "").lower() != link.email.lower():
            raise AuthError("this sign-in link was sent to another address; use the link in the latest email",
                            reason="replaced")
        session = transition(session.session_id, "verified", expected="email_provided",
                             properties={"method": "magic_link"})
        with state_connection() as con:
            con.execute("INSERT INTO tenants (tenant_id, name) VALUES (?, ?) ON CONFLICT DO NOTHING",
                        [session.tenant_id, session.tenant_id])
            con.execute("INSERT INTO users (tenant_id, email, role) VALUES (?, ?, 'customer') ON CONFLICT DO NOTHING",
                        [session.tenant_id, session.email])
        secret = issue_session_secret(session.session_id)
        return self._changed(get_session(session.session_id)), secret

    def trigger_build(self, session_id: str, *, tenant_id: str | None = None, provider: str | None = None,
                      model: str | None = None, deploy_target: str | None = None) -> dict:
        """Step 4: start the build in the background (refused before verification or while running)."""
        _check_choices(provider, deploy_target)
        session = self._session(session_id, tenant_id)
        _require_verified(session)
        worker = self.worker
        if session.status == "building" and not worker.is_running(session_id) \
                and leases.recover_interrupted(session_id=session_id):
            session = get_session(session_id)  # its build process had died: now error/interrupted, buildable
        if session.status == "building" or worker.is_running(session_id):
            raise BuildError(f"session {session_id} is already building; wait for it or stop it",
                             reason="already_building", session_id=session_id)
        if "building" not in ALLOWED.get(session.status, set()):
            raise IllegalTransitionError(f"session {session_id} is {session.status} and cannot be built")
        enforce_budget(session.tenant_id, "build")  # over the hard budget: refused now (402), not in the background
        job = worker.start_build(session_id, tenant_id=session.tenant_id, provider=provider or session.provider,
                                 model=model, deploy_target=deploy_target or session.deploy_target or "local")
        self.cache.invalidate(session_id)
        return {"session_id": session_id, "status": "building", **job.progress.to_dict()}

    def status(self, session_id: str, *, tenant_id: str | None = None) -> dict:
        """Where a session is: status, progress (stage, percent, message), url and error."""
        validate_session_id(session_id)
        session = self.cache.get(session_id)
        if tenant_id is not None and session.tenant_id != tenant_id:
            raise NotFoundError(f"no session {session_id!r}; `faibric sessions` lists them")
        job = (self._worker or default_runner()).job(session_id)
        state = session.status
        if job is not None and job.running and job.kind == "build" and state != "building":
            state = "building"  # the thread has started; the session row follows in a moment
        if job is not None and (job.running or job.finished_at and job.finished_at > _updated_epoch(session)):
            progress = job.progress.to_dict()
            activity = job.kind if job.running else None
        elif state == "deployed":
            progress = {"stage": "deployed", "percent": 100.0, "message": f"live at {session.url}" if session.url
                        else "deployed", "updated_at": _iso(session.updated_at)}
            activity = None
        elif state == "building":
            progress = {"stage": "building", "percent": None, "message": "building in another process",
                        "updated_at": _iso(session.updated_at)}
            activity = "build"
        else:
            progress = {"stage": state, "percent": None, "message": session.status_reason or "",
                        "updated_at": _iso(session.updated_at)}
            activity = None
        return {
            "session_id": session.session_id,
            "tenant_id": session.tenant_id,
            "status": state,
            "activity": activity,
            **progress,
            "url": session.url,
            "error": session.status_reason if state == "error" else None,
            "reason": session.status_reason,
            "variant": session.variant,
            "parent_session_id": session.parent_session_id,
        }

    def modify(self, session_id: str, message: str, *, tenant_id: str | None = None,
               provider: str | None = None) -> dict:
        """Chat on a built site: a change is applied and redeployed; a new project starts a linked session."""
        if not isinstance(message, str) or not message.strip():
            raise InvalidInputError("the message is empty; say what to change, e.g. 'make the header dark blue'")
        if len(message) > MAX_MESSAGE_CHARS:
            raise InvalidInputError(f"the message is {len(message):,} characters; keep it under {MAX_MESSAGE_CHARS:,}")
        message = message.strip()
        session = self._session(session_id, tenant_id)
        _require_verified(session)
        worker = self.worker
        if session.status == "building" or worker.is_running(session_id):
            raise BuildError(f"session {session_id} is busy building; wait for it to finish or stop it",
                             reason="already_building", session_id=session_id)
        verdict = self.classifier(message, site_prompt=session.prompt, session_id=session_id,
                                  tenant_id=session.tenant_id)
        if verdict.kind == NEW_PROJECT:
            child = self._new_project(session, message)
            # a change records its own modification_requested (builds.modify_site); a new project does it here
            record_event("modification_requested", session_id=session_id, tenant_id=session.tenant_id,
                         actor=session.actor, properties={"kind": verdict.kind, "method": verdict.method,
                                                          "reason": verdict.reason, "request_chars": len(message),
                                                          "new_session_id": child.session_id})
            started = self.trigger_build(child.session_id, tenant_id=child.tenant_id, provider=provider)
            return {"session_id": session_id, "kind": NEW_PROJECT, "classification": verdict.to_dict(),
                    "new_session_id": child.session_id, "status": started["status"]}
        if session.status not in ("deployed", "ready"):
            raise BuildError(
                f"session {session_id} is {session.status}; there is no built site to change yet "
                "(trigger a build first)", reason="nothing_to_change",
            )
        enforce_budget(session.tenant_id, "change")
        worker.start_modify(session_id, message, tenant_id=session.tenant_id, provider=provider or session.provider)
        self.cache.invalidate(session_id)
        return {"session_id": session_id, "kind": "change", "classification": verdict.to_dict(),
                "new_session_id": None, "status": "modifying"}

    def _new_project(self, parent: Session, prompt: str) -> Session:
        child_id = uuid.uuid4().hex
        child = create_session(prompt, tenant_id=parent.tenant_id, email=parent.email,
                               parent_session_id=parent.session_id, session_id=child_id,
                               provider=parent.provider, deploy_target=parent.deploy_target,
                               # a new project asked for in the chat stays in its parent's experiment arm
                               variant=parent.variant or assign_variant(child_id),
                               properties={"source": "modification_chat"})
        proof = {"via": "parent_session", "parent_session_id": parent.session_id}
        transition(child.session_id, "email_provided", properties=proof)
        transition(child.session_id, "verified", properties={"method": "parent_session", **proof})
        issue_session_secret(child.session_id, copy_from=parent)  # the parent's browser follows the child
        return self._changed(get_session(child.session_id))

    def stop(self, session_id: str, *, tenant_id: str | None = None, timeout: float = 10.0) -> dict:
        """Stop the session: cancel its build or change (here or in another process) and leave it ``stopped``."""
        session = self._session(session_id, tenant_id)
        worker = self._worker or default_runner()
        if worker.is_running(session_id):
            worker.cancel(session_id, timeout=timeout)
        elif session.status == "building":
            lease = leases.get_lease(session_id)
            if lease is not None and not lease.mine and leases.owner_alive(lease):
                leases.request_stop(session_id)
                deadline = time.monotonic() + timeout
                while time.monotonic() < deadline and get_session(session_id).status == "building":
                    time.sleep(0.1)
            else:
                try:
                    transition(session_id, "stopped", reason="stopped on request (its build process was gone)",
                               expected="building")
                except IllegalTransitionError:
                    pass
        elif session.status != "stopped":
            if "stopped" not in ALLOWED.get(session.status, set()):
                raise IllegalTransitionError(f"session {session_id} is {session.status} and cannot be stopped")
            try:
                transition(session_id, "stopped", reason="stopped on request", expected=session.status)
            except IllegalTransitionError:
                pass  # it moved meanwhile; report where it is now
        self.cache.invalidate(session_id)
        now = get_session(session_id)
        self.cache.put(now)
        stopping = now.status == "building"
        return {"session_id": session_id, "status": now.status, "reason": now.status_reason,
                "stop_pending": stopping,
                **({"message": f"stop requested; the build has not ended within {timeout:.0f}s"} if stopping else {})}

    def submit_feedback(self, session_id: str, rating: int, comment: str | None = None, *,
                        tenant_id: str | None = None) -> dict:
        """A customer's 1-5 rating and optional comment, recorded as ``feedback_submitted``."""
        if isinstance(rating, bool) or not isinstance(rating, int) or not 1 <= rating <= 5:
            raise InvalidInputError(f"rating must be a whole number from 1 to 5, not {rating!r}")
        if comment is not None:
            if not isinstance(comment, str):
                raise InvalidInputError("comment must be text")
            comment = comment.strip() or None
            if comment and len(comment) > MAX_COMMENT_CHARS:
                raise InvalidInputError(f"the comment is {len(comment):,} characters; keep it under "
                                        f"{MAX_COMMENT_CHARS:,}")
        session = self._session(session_id, tenant_id)
        event_id = record_event("feedback_submitted", session_id=session_id, tenant_id=session.tenant_id,
                                actor=session.actor, properties={"rating": rating, "comment": comment,
                                                                 "status": session.status})
        return {"session_id": session_id, "rating": rating, "comment": comment, "event_id": event_id}


def _require_verified(session: Session) -> None:
    """A build or a change needs a session whose email was verified, whatever its status is now."""
    if was_verified(session):
        return
    session_id = session.session_id
    if session.status in _BEFORE_VERIFICATION and session.email:
        message = f"session {session_id} is not verified yet; open the sign-in link sent to {session.email} first"
    elif session.status in _BEFORE_VERIFICATION:
        message = f"session {session_id} has no email yet; give an email and open the sign-in link"
    else:
        message = (f"session {session_id} was never verified; only a session whose email was confirmed "
                   "with a sign-in link can be built or changed")
    raise AuthError(message, reason="not_verified")


def _check_choices(provider: str | None, deploy_target: str | None) -> None:
    """Refuse an unknown provider or deploy target now, not later inside the background build."""
    if provider is not None:
        from ..providers import PROVIDERS

        if provider not in PROVIDERS:
            raise InvalidInputError(f"unknown provider {provider!r}; choose one of: {', '.join(sorted(PROVIDERS))}")
    if deploy_target is not None:
        if deploy_target not in DEPLOY_TARGETS:
            raise InvalidInputError(
                f"unknown deploy target {deploy_target!r}; choose one of: {', '.join(DEPLOY_TARGETS)}")


def _updated_epoch(session: Session) -> float:
    if session.updated_at is None:
        return 0.0
    return session.updated_at.replace(tzinfo=UTC).timestamp()


def _magic_link_email(session: Session, link) -> dict:
    hours = max(1, round((link.expires_at - datetime.now(UTC).replace(tzinfo=None)).total_seconds() / 3600))
    summary = (session.prompt or "your site")[:140]
    text = (
        f"Hello,\n\nOpen this link to confirm your email, so that your site can be built:\n\n{link.url}\n\n"
        f"Your request: {summary}\n\nThe link works once and expires in {hours} hours. "
        "If you did not ask for this, ignore this email.\n\nFaibric\n"
    )
    html = (
        "<p>Hello,</p><p>Open this link to confirm your email, so that your site can be built:</p>"
        f'<p><a href="{link.url}">Confirm my email</a></p>'
        f"<p>Your request: {_escape(summary)}</p>"
        f"<p>The link works once and expires in {hours} hours. If you did not ask for this, ignore this email.</p>"
    )
    return {"to": session.email, "subject": "Confirm your email to build your site", "text": text, "html": html,
            "on_sent_event": {"event_type": "magic_link_sent",
                              "properties": {"expires_at": link.expires_at.isoformat()}}}


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")


def rebuild_magic_link_email(payload: dict) -> dict | None:
    """Retry builder for a magic link that failed to send: a fresh link, or None once it is moot."""
    try:
        session = get_session(payload["session_id"])
    except (KeyError, NotFoundError):
        return None
    if session.status != "email_provided" or not session.email:
        return None
    link = issue_link(session.session_id, session.email, tenant_id=session.tenant_id)
    return _magic_link_email(session, link)


_default: Onboarding | None = None
_default_lock = threading.Lock()


def default_onboarding() -> Onboarding:
    global _default
    with _default_lock:
        if _default is None:
            _default = Onboarding()
        return _default


def submit_request(prompt, tenant_id="default", ip=None, variant=None, **kwargs) -> Session:
    return default_onboarding().submit_request(prompt, tenant_id, ip, variant, **kwargs)


def provide_email(session_id, email, **kwargs) -> dict:
    return default_onboarding().provide_email(session_id, email, **kwargs)


def verify(token) -> Session:
    return default_onboarding().verify(token)


def trigger_build(session_id, **kwargs) -> dict:
    return default_onboarding().trigger_build(session_id, **kwargs)


def status(session_id, **kwargs) -> dict:
    return default_onboarding().status(session_id, **kwargs)


def modify(session_id, message, **kwargs) -> dict:
    return default_onboarding().modify(session_id, message, **kwargs)


def stop(session_id, **kwargs) -> dict:
    return default_onboarding().stop(session_id, **kwargs)


def submit_feedback(session_id, rating, comment=None, **kwargs) -> dict:
    return default_onboarding().submit_feedback(session_id, rating, comment, **kwargs)
