"""Preview: bundle a generated project with esbuild and show it anywhere.

* :func:`node_env` / :func:`ensure_node_modules` find node and install the
  pinned npm packages once into a shared folder.
* :func:`bundle_files` bundles ``{path: text}`` into JS + CSS (and a ``dist/``).
* :func:`preview_html` makes one self-contained document for an iframe ``srcdoc``.
* :func:`check_site` opens a page in Chromium and reports console errors,
  horizontal overflow at 375 px and serious accessibility violations.
"""

from .browser import SiteCheck, check_site
from .bundle import BundleIssue, BundleResult, bundle_files, dist_html, iframe_html, inline_html, preview_html
from .node import NodeEnv, ensure_node_modules, node_dir, node_env

__all__ = [
    "BundleIssue",
    "BundleResult",
    "NodeEnv",
    "SiteCheck",
    "bundle_files",
    "check_site",
    "dist_html",
    "ensure_node_modules",
    "iframe_html",
    "inline_html",
    "node_dir",
    "node_env",
    "preview_html",
]
