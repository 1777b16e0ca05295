"""The few HTML pages the API shows a browser: the magic link's confirm page and its outcome."""

from __future__ import annotations

import html

__all__ = ["confirm_page", "page", "verified_page"]

_HEAD = ("<!doctype html><html lang=en><meta charset=utf-8><meta name=viewport content='width=device-width'>"
         "<meta name=robots content=noindex><meta name=referrer content=no-referrer>")
_BODY = "<body style='font-family:system-ui;max-width:34rem;margin:4rem auto;padding:0 1rem'>"


def confirm_page(action_path: str) -> str:
    action = html.escape(action_path, quote=True)
    return (
        f"{_HEAD}<title>Confirm your email</title>{_BODY}"
        "<h1>Confirm your email</h1><p>One click and your site can be built.</p>"
        f"<form method=post action='{action}'><button type=submit style='font-size:1.1rem;padding:.6rem 1.2rem'>"
        "Confirm my email</button></form></body></html>"
    )


def page(title: str, text: str) -> str:
    return f"{_HEAD}<title>{html.escape(title)}</title>{_BODY}<h1>{html.escape(title)}</h1><p>{html.escape(text)}</p>" \
           "</body></html>"


def verified_page(secret: str) -> str:
    """The confirmation, with the session secret: shown this once, never again."""
    shown = html.escape(secret, quote=True)
    return (
        f"{_HEAD}<meta name=faibric-session-secret content='{shown}'><title>Email confirmed</title>{_BODY}"
        "<h1>Email confirmed</h1><p>Thank you. Your site is ready to be built; return to the page where you "
        "started to follow it.</p><p>Your session key (shown only this once; the page you started from asks "
        f"for it):</p><p><code style='word-break:break-all'>{shown}</code></p></body></html>"
    )
