"""Secrets never reach a log: magic-link tokens in paths, ``token=`` in queries, bearer secrets."""

from __future__ import annotations

import logging
import re

__all__ = ["RedactTokens", "install_log_redaction", "loggable_path", "redact"]

_TOKEN_IN_PATH = re.compile(r"(/api/(?:onboarding/)?verify/)[^/?\s\"]+")
_CUSTOMER_IN_PATH = re.compile(r"(/api/analytics/dashboard/user/)[^/?\s\"]+")
_TOKEN_IN_QUERY = re.compile(r"(?i)((?:^|[?&;\s])(?:token|key|secret|password|api_key)=)[^&\s\"']+")
_BEARER = re.compile(r"(?i)(bearer\s+)[^\s\"',]+")


def loggable_path(path: str) -> str:
    """A request path fit for a log: a magic link's token works until used, a customer's email is theirs."""
    return _CUSTOMER_IN_PATH.sub(r"\1[customer]", _TOKEN_IN_PATH.sub(r"\1[token]", path))


def redact(text: str) -> str:
    """``text`` with every token we know the shape of replaced by ``[redacted]``."""
    text = loggable_path(text)
    text = _TOKEN_IN_QUERY.sub(r"\1[redacted]", text)
    return _BEARER.sub(r"\1[redacted]", text)


class RedactTokens(logging.Filter):
    """Hides tokens in the lines an access log (uvicorn's, tornado's) writes for each request."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.args, tuple):
            record.args = tuple(redact(a) if isinstance(a, str) else a for a in record.args)
        elif isinstance(record.args, dict):
            record.args = {k: redact(v) if isinstance(v, str) else v for k, v in record.args.items()}
        if isinstance(record.msg, str):
            record.msg = redact(record.msg)
        return True


def install_log_redaction(*names: str) -> None:
    """Add the filter to these loggers once (and to their handlers, which see records of child loggers)."""
    for name in names:
        logger = logging.getLogger(name)
        if not any(isinstance(f, RedactTokens) for f in logger.filters):
            logger.addFilter(RedactTokens())
        for handler in logger.handlers:
            if not any(isinstance(f, RedactTokens) for f in handler.filters):
                handler.addFilter(RedactTokens())
