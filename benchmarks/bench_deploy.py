"""Preview and deploy figures: bundle time cold and warm, preview size, API calls per GitHub deploy.

Targets: warm bundle of a typical 15-component site <= 1 s; a GitHub deploy of a
30-file site in <= 6 API calls with exactly one commit. Prints figures; asserts nothing.

    python benchmarks/bench_deploy.py [--install]   # --install also times a fresh npm ci
"""

from __future__ import annotations

import argparse
import gzip
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))


def line(name: str, value: str, target: str = "") -> None:
    print(f"{name:<46} {value:>16}   {target}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--install", action="store_true", help="also time npm ci into an empty folder")
    parser.add_argument("--warm-runs", type=int, default=5)
    args = parser.parse_args()

    os.environ["FAIBRIC_HOME"] = tempfile.mkdtemp(prefix="faibric-bench-")
    from faibric_kernel.preview import bundle_files, ensure_node_modules, inline_html, node_env
    from faibric_kernel.preview.sample import sample_project

    env = node_env()
    print(f"node {env.version} from {env.source}")
    if args.install:
        saved = os.environ.get("FAIBRIC_NODE_DIR")
        os.environ["FAIBRIC_NODE_DIR"] = tempfile.mkdtemp(prefix="faibric-node-")
        started = time.perf_counter()
        ensure_node_modules()
        line("npm ci into an empty folder", f"{time.perf_counter() - started:.2f} s")
        if saved is None:
            del os.environ["FAIBRIC_NODE_DIR"]
        else:
            os.environ["FAIBRIC_NODE_DIR"] = saved
    started = time.perf_counter()
    ensure_node_modules()
    line("ensure_node_modules when installed", f"{(time.perf_counter() - started) * 1000:.0f} ms")

    site = sample_project(15)
    components = sum(1 for p in site if p.startswith("src/components/") and p.endswith(".jsx"))
    started = time.perf_counter()
    cold = bundle_files(site, out_dir=Path(tempfile.mkdtemp()) / "dist")
    cold_s = time.perf_counter() - started
    assert cold.ok, cold.errors
    line(f"bundle, {components} components, cold (first in process)", f"{cold_s:.3f} s")
    warm = []
    for _ in range(args.warm_runs):
        started = time.perf_counter()
        result = bundle_files(site, out_dir=Path(tempfile.mkdtemp()) / "dist")
        warm.append(time.perf_counter() - started)
    line(f"bundle, warm (median of {args.warm_runs})", f"{statistics.median(warm):.3f} s", "target <= 1 s")
    html = inline_html(result.index_html, result.js, result.css)
    raw = len(html.encode())
    line("preview document size", f"{raw / 1024:.1f} KiB", f"gzip {len(gzip.compress(html.encode())) / 1024:.1f} KiB")
    line("  of which JS / CSS", f"{len(result.js) / 1024:.1f} / {len(result.css) / 1024:.1f} KiB")

    from fakes.github import TOKEN, FakeGitHub

    from faibric_kernel.deploy import GitHubDeployer, SiteToDeploy, deploy_site
    from faibric_kernel.deploy.github import github_client

    files = sample_project(12)
    fake = FakeGitHub()
    with fake.serve():
        deployer = GitHubDeployer(client=github_client(token=TOKEN, api_url=fake.api, spacing=False),
                                  repo=fake.repo, api_url=fake.api)
        site_to_deploy = SiteToDeploy("bench", "bench", "default", None, 1, files, None)
        deploy_site(site_to_deploy, deployer=deployer)
        first_calls, first_commits = len(fake.requests), len(fake.commits_created())
        deploy_site(site_to_deploy, deployer=deployer)
        second_calls = len(fake.requests) - first_calls
        second_commits = len(fake.commits_created()) - first_commits
    line(f"GitHub deploy of {len(files)} files, new branch",
         f"{first_calls} calls", f"{first_commits} commit (target <= 6 calls, 1 commit)")
    line(f"GitHub deploy of {len(files)} files, redeploy", f"{second_calls} calls", f"{second_commits} commit")

    from faibric_kernel.deploy import prepare_site, stop_sites_server

    os.environ.update(FAIBRIC_SITES_SERVER="thread", FAIBRIC_SITES_PORT="0")
    started = time.perf_counter()
    prepared = prepare_site(site, site_id="bench-local", version=1)
    result = deploy_site(prepared)
    line("local deploy (bundle + publish + record)", f"{time.perf_counter() - started:.2f} s", result.url)
    stop_sites_server()


if __name__ == "__main__":
    main()
