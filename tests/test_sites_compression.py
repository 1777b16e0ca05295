"""The local sites server compresses text it serves when the client accepts gzip."""

from __future__ import annotations

import gzip
import threading
import urllib.request

from faibric_kernel.deploy import serve_sites
from faibric_kernel.deploy.local import publish_site


def _published(tmp_path):
    dist = tmp_path / "dist"
    (dist / "assets").mkdir(parents=True)
    (dist / "index.html").write_text("<!doctype html><html><body><div id=\"root\"></div></body></html>")
    script = "console.log('a site');\n" * 400
    (dist / "assets" / "app.js").write_text(script)
    publish_site("s-zip", dist)
    return script


def _get(url: str, encoding: str | None):
    request = urllib.request.Request(url, headers={"Accept-Encoding": encoding} if encoding else {})
    with urllib.request.urlopen(request, timeout=5) as response:
        return response.headers, response.read()


def test_text_is_gzipped_for_clients_that_accept_it_and_plain_for_others(tmp_path):
    script = _published(tmp_path)
    server = serve_sites(0)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        headers, body = _get(server.url + "/s-zip/assets/app.js", "gzip, br")
        assert headers["Content-Encoding"] == "gzip" and headers["Vary"] == "Accept-Encoding"
        assert gzip.decompress(body).decode() == script and len(body) < len(script) / 10
        assert int(headers["Content-Length"]) == len(body)
        plain_headers, plain = _get(server.url + "/s-zip/assets/app.js", None)
        assert plain_headers["Content-Encoding"] is None and plain.decode() == script
    finally:
        server.shutdown()
        server.server_close()
