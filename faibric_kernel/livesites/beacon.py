"""The visitor beacon every site carries: its source, its size, and the ``<script>`` tag for a page.

The source is :file:`beacon.js` beside this module, shipped as written but
for comments and indentation. It is inlined into the page (no extra request,
no third party) and reads its site id and endpoint from its own tag's
``data-site`` and ``data-endpoint``.
"""

from __future__ import annotations

import gzip
import html
import re
from functools import cache
from pathlib import Path

__all__ = ["BEACON_BUDGET_BYTES", "beacon_source", "beacon_tag", "gzipped_size"]

BEACON_BUDGET_BYTES = 1024
_SOURCE = Path(__file__).with_name("beacon.js")


@cache
def beacon_source() -> str:
    """The beacon's JavaScript without comments and indentation (line breaks kept, so no statement merges)."""
    text = re.sub(r"/\*.*?\*/", "", _SOURCE.read_text(encoding="utf-8"), flags=re.S)
    return "\n".join(line.strip() for line in text.splitlines() if line.strip()) + "\n"


def gzipped_size(text: str | None = None) -> int:
    """Bytes of the beacon (or ``text``) gzipped at level 9: what a visitor downloads."""
    return len(gzip.compress((text if text is not None else beacon_source()).encode("utf-8"), 9, mtime=0))


def beacon_tag(site_id: str, endpoint: str) -> str:
    """The inline ``<script>`` that sends ``site_id``'s visits to ``endpoint`` (``.../api/collect``)."""
    source = beacon_source()
    if "</" in source:
        raise ValueError("the beacon source must not contain '</' (it would end the inline script)")
    return (f'<script data-site="{html.escape(site_id, quote=True)}" '
            f'data-endpoint="{html.escape(endpoint, quote=True)}">\n{source}</script>')
