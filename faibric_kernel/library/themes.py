"""Named colour themes, and the ``src/theme.css`` every generated site imports once.

Seed components are styled only through the CSS variables this file defines,
so swapping the theme recolours a whole site. :func:`theme_css` renders the
file for a named theme (see :data:`THEMES`) or for a caller's palette; the
shipped ``seed/theme.css`` is ``theme_css(DEFAULT_THEME)``.
"""

from __future__ import annotations

import base64
import re
from functools import cache
from pathlib import Path

from ..errors import InvalidInputError

__all__ = ["DEFAULT_THEME", "THEMES", "THEME_VARIABLES", "contrast_ratio", "font_faces", "theme_css"]

DEFAULT_THEME = "slate"

SANS = "'Inter', 'Segoe UI', system-ui, -apple-system, 'Helvetica Neue', Arial, sans-serif"
SERIF = "'Iowan Old Style', 'Palatino Linotype', Palatino, Georgia, 'Times New Roman', serif"
ROUNDED = "'Avenir Next', 'Nunito', 'Segoe UI', system-ui, -apple-system, sans-serif"
MONO_FONT = "'SF Mono', 'JetBrains Mono', Menlo, Consolas, monospace"

# Self-hosted WOFF2 fonts (latin subset) from the @fontsource npm packages, version 5.3.0, SIL Open Font
# License 1.1 (library/fonts/LICENSE-*.txt): every theme has a heading and a body face, embedded in theme.css
# so a site needs no font request and never falls back to a Times-like or monospace heading.
FONTS_DIR = Path(__file__).with_name("fonts")
FONTSOURCE_VERSION = "5.3.0"
FONT_FILES: dict[str, dict[int, str]] = {
    "Inter": {400: "inter-latin-400-normal.woff2", 700: "inter-latin-700-normal.woff2"},
    "Fraunces": {700: "fraunces-latin-700-normal.woff2"},
    "Manrope": {700: "manrope-latin-700-normal.woff2"},
    "Lora": {700: "lora-latin-700-normal.woff2"},
    "Space Grotesk": {700: "space-grotesk-latin-700-normal.woff2"},
    "Playfair Display": {700: "playfair-display-latin-700-normal.woff2"},
    "Nunito": {400: "nunito-latin-400-normal.woff2", 700: "nunito-latin-700-normal.woff2"},
}
_SERIF_FACES = {"Fraunces", "Lora", "Playfair Display"}
# theme -> (heading face at 700, body face at 400)
THEME_FONTS: dict[str, tuple[str, str]] = {
    "slate": ("Inter", "Inter"), "bakery": ("Fraunces", "Inter"), "ocean": ("Manrope", "Inter"),
    "forest": ("Lora", "Inter"), "midnight": ("Space Grotesk", "Inter"), "rose": ("Playfair Display", "Nunito"),
    "sunset": ("Nunito", "Nunito"), "mono": ("Space Grotesk", "Inter"),
}

# The variables, in file order, with what each is for (printed at the top of theme.css).
THEME_VARIABLES: dict[str, str] = {
    "bg": "page background",
    "surface": "cards, panels, inputs",
    "surface_alt": "alternate section background (bands, footers)",
    "text": "body and heading text",
    "muted": "secondary text (meets 4.5:1 on bg and surface)",
    "primary": "buttons, links, highlights",
    "primary_contrast": "text on primary",
    "accent": "badges and decorative highlights",
    "accent_contrast": "text on accent",
    "border": "hairlines and input borders",
    "success": "confirmation messages",
    "danger": "validation errors",
    "focus": "keyboard focus ring",
    "font_heading": "headings font stack (a self-hosted face first, see the @font-face rules)",
    "font_body": "body font stack",
    "radius": "corner radius of buttons and inputs",
    "radius_lg": "corner radius of cards and panels",
    "shadow": "resting card shadow",
    "shadow_lg": "raised (hover) shadow",
    "space": "base spacing unit",
    "maxw": "content max width",
}

_SHAPE = {
    "radius": "0.625rem",
    "radius_lg": "1rem",
    "shadow": "0 1px 2px rgb(15 23 42 / 0.06), 0 4px 12px rgb(15 23 42 / 0.06)",
    "shadow_lg": "0 10px 30px rgb(15 23 42 / 0.12), 0 2px 6px rgb(15 23 42 / 0.06)",
    "space": "1rem",
    "maxw": "72rem",
}

THEMES: dict[str, dict[str, str]] = {
    "slate": {
        "label": "Slate (corporate)",
        "bg": "#f8fafc", "surface": "#ffffff", "surface_alt": "#eef2f7", "text": "#0f172a", "muted": "#475569",
        "primary": "#1d4ed8", "primary_contrast": "#ffffff", "accent": "#6d28d9", "accent_contrast": "#ffffff",
        "border": "#d5dde8", "success": "#15803d", "danger": "#b91c1c", "focus": "#1d4ed8",
        "font_heading": SANS, "font_body": SANS, **_SHAPE,
    },
    "bakery": {
        "label": "Warm bakery",
        "bg": "#fffaf3", "surface": "#ffffff", "surface_alt": "#f8ecdd", "text": "#2b1d14", "muted": "#6b5443",
        "primary": "#9a3412", "primary_contrast": "#ffffff", "accent": "#a16207", "accent_contrast": "#ffffff",
        "border": "#ead7c3", "success": "#3f6212", "danger": "#b91c1c", "focus": "#9a3412",
        "font_heading": SERIF, "font_body": SANS, **_SHAPE, "radius": "0.75rem", "radius_lg": "1.25rem",
    },
    "ocean": {
        "label": "Ocean",
        "bg": "#f5f9fc", "surface": "#ffffff", "surface_alt": "#e6f0f7", "text": "#0b2545", "muted": "#475f76",
        "primary": "#0b5fa5", "primary_contrast": "#ffffff", "accent": "#0f766e", "accent_contrast": "#ffffff",
        "border": "#cfdeea", "success": "#047857", "danger": "#b91c1c", "focus": "#0b5fa5",
        "font_heading": SANS, "font_body": SANS, **_SHAPE,
    },
    "forest": {
        "label": "Forest",
        "bg": "#f7faf6", "surface": "#ffffff", "surface_alt": "#e7f0e4", "text": "#1a2a1e", "muted": "#4d6152",
        "primary": "#2f6b3a", "primary_contrast": "#ffffff", "accent": "#8a4b08", "accent_contrast": "#ffffff",
        "border": "#d2e0ce", "success": "#2f6b3a", "danger": "#b42318", "focus": "#2f6b3a",
        "font_heading": SERIF, "font_body": SANS, **_SHAPE,
    },
    "midnight": {
        "label": "Midnight (dark)",
        "bg": "#0b1020", "surface": "#141b2e", "surface_alt": "#10172a", "text": "#e8ebf4", "muted": "#a7b0c6",
        "primary": "#8ab4ff", "primary_contrast": "#0b1020", "accent": "#f5b971", "accent_contrast": "#1a1206",
        "border": "#2a3552", "success": "#4ade80", "danger": "#fca5a5", "focus": "#bcd3ff",
        "font_heading": SANS, "font_body": SANS, **_SHAPE,
        "shadow": "0 1px 2px rgb(0 0 0 / 0.4), 0 4px 14px rgb(0 0 0 / 0.35)",
        "shadow_lg": "0 12px 32px rgb(0 0 0 / 0.5), 0 2px 6px rgb(0 0 0 / 0.4)",
    },
    "rose": {
        "label": "Rose",
        "bg": "#fff7f8", "surface": "#ffffff", "surface_alt": "#fde7ec", "text": "#3b0d1a", "muted": "#7a4553",
        "primary": "#be123c", "primary_contrast": "#ffffff", "accent": "#86198f", "accent_contrast": "#ffffff",
        "border": "#f3d0d8", "success": "#15803d", "danger": "#b91c1c", "focus": "#be123c",
        "font_heading": SERIF, "font_body": ROUNDED, **_SHAPE, "radius": "999px", "radius_lg": "1.5rem",
    },
    "sunset": {
        "label": "Sunset",
        "bg": "#fffaf5", "surface": "#ffffff", "surface_alt": "#ffeddb", "text": "#2d1606", "muted": "#72503a",
        "primary": "#c2410c", "primary_contrast": "#ffffff", "accent": "#7e22ce", "accent_contrast": "#ffffff",
        "border": "#f3d9c2", "success": "#15803d", "danger": "#b91c1c", "focus": "#9a3412",
        "font_heading": ROUNDED, "font_body": ROUNDED, **_SHAPE, "radius": "0.875rem", "radius_lg": "1.5rem",
    },
    "mono": {
        "label": "Mono",
        "bg": "#ffffff", "surface": "#fafafa", "surface_alt": "#f1f1f1", "text": "#111111", "muted": "#545454",
        "primary": "#111111", "primary_contrast": "#ffffff", "accent": "#3f3f3f", "accent_contrast": "#ffffff",
        "border": "#dcdcdc", "success": "#166534", "danger": "#b91c1c", "focus": "#111111",
        "font_heading": MONO_FONT, "font_body": SANS, **_SHAPE, "radius": "0.25rem", "radius_lg": "0.375rem",
        "shadow": "0 1px 0 rgb(0 0 0 / 0.08)", "shadow_lg": "0 6px 18px rgb(0 0 0 / 0.12)",
    },
}

_COLOUR_KEYS = [k for k in THEME_VARIABLES if k not in {"font_heading", "font_body", "radius", "radius_lg",
                                                         "shadow", "shadow_lg", "space", "maxw"}]
_HEX = re.compile(r"^#[0-9a-fA-F]{6}$")
_UNSAFE = re.compile(r"[;{}<>]")


def _luminance(hex_colour: str) -> float:
    channels = [int(hex_colour[i:i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast_ratio(foreground: str, background: str) -> float:
    """The WCAG 2 contrast ratio of two ``#rrggbb`` colours (1 to 21)."""
    lighter, darker = sorted((_luminance(foreground), _luminance(background)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def resolve_palette(theme_name_or_palette: str | dict | None = None) -> dict[str, str]:
    """A complete palette: a named theme, or a dict laid over the default theme.

    A dict may name a ``base`` theme to start from instead of the default.
    """
    if theme_name_or_palette is None:
        theme_name_or_palette = DEFAULT_THEME
    if isinstance(theme_name_or_palette, str):
        key = theme_name_or_palette.strip().lower()
        if key not in THEMES:
            raise InvalidInputError(
                f"unknown theme {theme_name_or_palette!r}; choose one of: {', '.join(sorted(THEMES))}, "
                "or pass a palette dict"
            )
        return dict(THEMES[key])
    if not isinstance(theme_name_or_palette, dict):
        raise InvalidInputError(f"a theme is a name or a dict, not {type(theme_name_or_palette).__name__}")
    overrides = {k.replace("-", "_"): v for k, v in theme_name_or_palette.items()}
    palette = resolve_palette(overrides.pop("base", DEFAULT_THEME))
    unknown = sorted(set(overrides) - set(THEME_VARIABLES) - {"label"})
    if unknown:
        raise InvalidInputError(
            f"unknown theme variable(s) {', '.join(unknown)}; known: {', '.join(THEME_VARIABLES)}"
        )
    for key, value in overrides.items():
        if not isinstance(value, str) or not value.strip() or _UNSAFE.search(value):
            raise InvalidInputError(f"theme value for {key!r} must be a plain CSS value, not {value!r}")
        if key in _COLOUR_KEYS and not _HEX.match(value):
            raise InvalidInputError(f"theme colour {key!r} must be #rrggbb, not {value!r}")
    palette.update(overrides)
    return palette


_BASE_RULES = """\
*, *::before, *::after { box-sizing: border-box; }
html { -webkit-text-size-adjust: 100%; scroll-behavior: smooth; }
@media (prefers-reduced-motion: reduce) {
  html { scroll-behavior: auto; }
  *, *::before, *::after { animation-duration: 0.01ms !important; transition-duration: 0.01ms !important; }
}
body {
  margin: 0;
  background: var(--color-bg);
  color: var(--color-text);
  font-family: var(--font-body);
  font-size: 1rem;
  line-height: 1.6;
  -webkit-font-smoothing: antialiased;
  overflow-wrap: break-word;
}
h1, h2, h3, h4 { font-family: var(--font-heading); line-height: 1.15; margin: 0; }
img, svg { max-width: 100%; }
a { color: var(--color-primary); }
:focus-visible { outline: 3px solid var(--color-focus); outline-offset: 2px; }
::selection { background: color-mix(in srgb, var(--color-primary) 25%, transparent); }
"""


@cache
def _font_data(file_name: str) -> str:
    return base64.b64encode((FONTS_DIR / file_name).read_bytes()).decode("ascii")


def _stack(face: str) -> str:
    fallback = SERIF if face in _SERIF_FACES else SANS
    return f"'{face}', {fallback}" if f"'{face}'" not in fallback else fallback


def font_faces(theme_name_or_palette: str | dict | None = None) -> tuple[str, str, str]:
    """(heading stack, body stack, the ``@font-face`` rules) of a theme's self-hosted font pair."""
    name = theme_name_or_palette if isinstance(theme_name_or_palette, str) else (
        (theme_name_or_palette or {}).get("base") or DEFAULT_THEME)
    heading, body = THEME_FONTS.get(str(name).strip().lower(), THEME_FONTS[DEFAULT_THEME])
    # bold running text uses the heading face's weight when the faces match, else the browser's synthesis
    wanted = [(heading, 700), (body, 400)]
    rules = [f"/* fonts: {heading} (headings) and {body} (text), WOFF2 from @fontsource {FONTSOURCE_VERSION}, "
             "SIL Open Font License 1.1 */"]
    for face, weight in dict.fromkeys(wanted):
        rules.append(
            f"@font-face {{ font-family: '{face}'; font-style: normal; font-weight: {weight}; font-display: swap; "
            f"src: url(data:font/woff2;base64,{_font_data(FONT_FILES[face][weight])}) format('woff2'); }}")
    rules.append("/* end fonts */")
    return _stack(heading), _stack(body), "\n".join(rules)


def theme_css(theme_name_or_palette: str | dict | None = None) -> str:
    """The text of ``src/theme.css`` for a named theme (see THEMES) or a palette dict."""
    palette = resolve_palette(theme_name_or_palette)
    heading, body, faces = font_faces(theme_name_or_palette)
    overrides = theme_name_or_palette if isinstance(theme_name_or_palette, dict) else {}
    palette.setdefault("font_heading", heading)
    if "font_heading" not in overrides and "font-heading" not in overrides:
        palette["font_heading"] = heading
    if "font_body" not in overrides and "font-body" not in overrides:
        palette["font_body"] = body
    lines = []
    for key in THEME_VARIABLES:
        css_name = ("--color-" if key in _COLOUR_KEYS else "--") + key.replace("_", "-")
        lines.append(f"  {css_name}: {palette[key]};")
    label = palette.get("label", "custom")
    names = "\n".join(
        f"   {('--color-' if k in _COLOUR_KEYS else '--') + k.replace('_', '-'):<26} {why}"
        for k, why in THEME_VARIABLES.items()
    )
    return (
        "/* Faibric theme: " + label + ".\n"
        "   Every component is styled only through these variables, so changing\n"
        "   this one file recolours the whole site. Variables:\n"
        + names + "\n*/\n"
        ":root {\n" + "\n".join(lines) + "\n  color-scheme: " + ("dark" if _luminance(palette["bg"]) < 0.2 else "light")
        + ";\n}\n\n" + faces + "\n\n" + _BASE_RULES
    )
