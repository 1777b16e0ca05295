"""The API's request and response bodies (they are also its OpenAPI document)."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import Header
from pydantic import BaseModel, ConfigDict, Field, field_validator

from ..build import DEPLOY_TARGETS
from ..providers import PROVIDERS
from ..sessions import MAX_PROMPT_CHARS

SESSION_ID = r"^[A-Za-z0-9_-]{1,64}$"
TENANT_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$"


def _choices(registry: str):
    """The enum of a registry (providers, deploy targets), read when the OpenAPI document is made."""

    def extra(schema: dict) -> None:
        names = PROVIDERS if registry == "providers" else DEPLOY_TARGETS
        schema["anyOf"] = [{"type": "string", "enum": sorted(names)}, {"type": "null"}]

    return extra


class _Body(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class InitialRequest(_Body):
    prompt: str = Field(min_length=1, max_length=MAX_PROMPT_CHARS, pattern=r"\S",
                        description="what the site should be")
    variant: str | None = Field(default=None, pattern=r"^[A-Za-z0-9_-]{1,16}$",
                                description="prompt variant for experiments (faibric variants list); assigned by weight when "
                                            "omitted; an unknown or retired one is refused (422)")


class ProvideEmail(_Body):
    session_id: str = Field(pattern=SESSION_ID)
    email: str = Field(min_length=3, max_length=254, json_schema_extra={"format": "email"})


class SessionRef(_Body):
    session_id: str | None = Field(default=None, pattern=SESSION_ID,
                                   description="the session; optional, the session secret names it")


class TriggerBuild(SessionRef):
    provider: str | None = Field(default=None, pattern=r"^[a-z0-9_-]{1,32}$",
                                 json_schema_extra=_choices("providers"))
    deploy_target: str | None = Field(default=None, pattern=r"^[a-z0-9_+-]{1,40}$",
                                      json_schema_extra=_choices("deploy_targets"))


class Modify(SessionRef):
    message: str = Field(min_length=1, max_length=5000, pattern=r"\S")


class Feedback(SessionRef):
    rating: int = Field(ge=1, le=5, strict=True)
    comment: str | None = Field(default=None, max_length=2000)

    @field_validator("rating", mode="before")
    @classmethod
    def _whole_number(cls, value):
        # JSON has one number type: 5.0 is the integer 5 (as JSON Schema says); "5" and true stay refused
        return int(value) if isinstance(value, float) and value.is_integer() else value


class SessionCreated(BaseModel):
    session_id: str
    tenant_id: str
    status: str
    variant: str | None


class EmailAccepted(BaseModel):
    session_id: str
    status: str
    email: str
    magic_link_sent: bool
    email_queued: bool
    expires_at: str | None


class Verified(BaseModel):
    session_id: str
    status: str
    email: str | None
    session_secret: str = Field(description="send it as `Authorization: Bearer <secret>` to act on this session; "
                                            "it is shown only once")


class BuildAccepted(BaseModel):
    session_id: str
    status: str
    stage: str
    percent: float | None
    message: str


class SessionStatus(BaseModel):
    session_id: str
    tenant_id: str
    status: Literal["request_submitted", "email_provided", "verified", "building", "ready", "deployed", "error",
                    "stopped"]
    activity: str | None = Field(description="build or modify while one runs in this server")
    stage: str | None
    percent: float | None
    message: str | None
    updated_at: str | None
    url: str | None
    error: str | None
    reason: str | None
    variant: str | None
    parent_session_id: str | None


class ModifyAccepted(BaseModel):
    session_id: str
    kind: Literal["change", "new_project"]
    new_session_id: str | None
    status: str
    classification: dict


class Stopped(BaseModel):
    session_id: str
    status: str
    reason: str | None
    stop_pending: bool
    message: str | None = None


class FeedbackRecorded(BaseModel):
    session_id: str
    rating: int
    comment: str | None
    event_id: str


class ErrorBody(BaseModel):
    error: str
    message: str
    reason: str | None = None


class Health(BaseModel):
    ok: bool
    version: str
    store: dict
    builds_running: int


TenantHeader = Annotated[str | None, Header(
    alias="X-Faibric-Tenant", pattern=TENANT_PATTERN,
    description="optional; must name the tenant of the API key (the tenant comes from the key)")]
KeyHeader = Annotated[str | None, Header(
    alias="X-Faibric-Key", max_length=200, description="the tenant's API key; without it, tenant 'default'")]
BearerHeader = Annotated[str | None, Header(
    alias="Authorization", max_length=300,
    description="`Bearer <session secret>`: the secret the verify step returned, once")]

ERRORS = {code: {"model": ErrorBody} for code in (400, 401, 403, 404, 409, 410, 413, 415, 422, 429, 503)}
