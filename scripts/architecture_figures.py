"""Print the package's shape: modules, lines, long functions, complexity, imports inside functions, cycles.

Usage: ``python scripts/architecture_figures.py [PACKAGE_DIR]`` (default: ``faibric_kernel``).
The issue that redesigned the build wing quotes these figures before and after.
"""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
from test_architecture import find_cycles, import_graph  # noqa: E402


def figures(package: Path) -> dict:
    files = sorted(package.rglob("*.py"))
    lines = {p: len(p.read_text(encoding="utf-8").splitlines()) for p in files}
    long_50, long_60, inner_imports = [], [], 0
    for path in files:
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                length = node.end_lineno - node.lineno + 1
                where = f"{path.relative_to(package.parent)}:{node.name} ({length})"
                if length > 50:
                    long_50.append(where)
                if length > 60:
                    long_60.append(where)
                inner_imports += sum(isinstance(n, (ast.Import, ast.ImportFrom)) for n in ast.walk(node)
                                     if n is not node and not isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef)))
    complexity = subprocess.run(
        [sys.executable, "-m", "ruff", "check", str(package), "--select", "C901", "--config",
         "lint.mccabe.max-complexity = 10", "--output-format", "json", "--exit-zero", "--no-cache", "--ignore-noqa"],
        capture_output=True, text=True, check=True)
    over_10 = len(json.loads(complexity.stdout or "[]"))
    return {
        "modules": len(files),
        "lines": sum(lines.values()),
        "modules_over_500_lines": sorted(f"{p.relative_to(package.parent)} ({n})" for p, n in lines.items() if n > 500),
        "functions_over_50_lines": len(long_50),
        "functions_over_60_lines": len(long_60),
        "functions_over_complexity_10": over_10,
        "imports_inside_functions": inner_imports,
        "import_cycles": len(find_cycles(import_graph())) if package.resolve() == Path("faibric_kernel").resolve()
        else None,
    }


if __name__ == "__main__":
    target = Path(sys.argv[1] if len(sys.argv) > 1 else "faibric_kernel")
    print(json.dumps(figures(target), indent=1))
