"""The sites' fonts are the @fontsource packages pinned in the npm lockfile, byte for byte."""

from __future__ import annotations

import json
from pathlib import Path

from faibric_kernel.preview.node import PACKAGE_DIR, ensure_node_modules

FONTS = Path(__file__).resolve().parents[1] / "faibric_kernel" / "library" / "fonts"


def test_every_shipped_font_is_the_file_of_its_pinned_fontsource_package():
    lock = json.loads((PACKAGE_DIR / "package-lock.json").read_text(encoding="utf-8"))["packages"]
    modules = ensure_node_modules()
    shipped = sorted(FONTS.glob("*.woff2"))
    assert shipped
    for font in shipped:
        family = font.name.split("-latin-")[0]
        assert f"node_modules/@fontsource/{family}" in lock, f"{family} is not pinned in the lockfile"
        installed = modules / "@fontsource" / family / "files" / font.name
        assert installed.read_bytes() == font.read_bytes(), f"{font.name} differs from the pinned package's file"


def test_every_shipped_font_has_its_licence():
    for font in FONTS.glob("*.woff2"):
        family = font.name.split("-latin-")[0]
        assert (FONTS / f"LICENSE-{family}.txt").is_file()
