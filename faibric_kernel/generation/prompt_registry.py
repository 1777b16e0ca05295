"""The prompt registry: every prompt template is versioned data, checked when it is loaded.

A prompt version is a file ``<prompt id>/<version>.md``: a header of
``key: value`` lines (``changelog:`` is required), a ``---`` line, then the
text, a :class:`string.Template` (``${name}`` placeholders, so the JSON braces
of the classifier's instructions need no escaping). The shipped versions are in
``faibric_kernel/data/prompts/``; more can be added under
``$FAIBRIC_HOME/prompts/`` (same layout) without touching the package, e.g. a
new version to try in a variant. A version id used by both places is an error:
versions are immutable once shipped, so a changed text needs a new id.

Each prompt id declares the placeholders it may use and those it must use
(:data:`PROMPT_IDS`): a version that leaves out the request or the files, or
names a value the code never supplies, is refused at load with the file named.
A :class:`PromptBook` is the set of versions one build uses (one per id, from
its variant); it renders the texts and labels them ``id@version`` for the
``api_calls`` rows.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from string import Template

from .. import config
from ..errors import ConfigError

__all__ = [
    "DEFAULT_VERSION",
    "add_prompt_version",
    "PROMPT_IDS",
    "default_book",
    "PromptBook",
    "PromptVersion",
    "load_prompts",
    "prompt_version",
    "shipped_prompts_dir",
    "workspace_prompts_dir",
]

DEFAULT_VERSION = "1"

# prompt id -> (placeholders it must use, placeholders it may use besides); the code supplies exactly these
PROMPT_IDS: dict[str, tuple[frozenset, frozenset]] = {
    "system": (frozenset({"constraints"}), frozenset()),
    "classify_system": (frozenset(), frozenset({"kinds", "sections"})),
    "classify_task": (frozenset({"prompt"}), frozenset()),
    "classify_change_system": (frozenset(), frozenset()),
    "classify_change_task": (frozenset({"files", "request"}), frozenset()),
    "components_task": (frozenset({"brief_block", "wanted"}), frozenset({"app_css_classes"})),
    "generate_task": (frozenset({"brief_block", "wanted", "reused", "provided"}), frozenset({"app_css_classes"})),
    "compose_task": (frozenset({"brief_block", "reused", "new", "provided"}), frozenset({"app_css_classes"})),
    "continue_task": (frozenset({"tail"}), frozenset()),
    "repair_task": (frozenset(), frozenset()),
    "fix_task": (frozenset({"problems", "bodies"}), frozenset({"others"})),
    "modify_task": (frozenset({"request", "bodies", "retry"}), frozenset({"others"})),
    "modify_retry": (frozenset({"failures"}), frozenset()),
    "rewrite_task": (frozenset({"request", "bodies", "selected"}), frozenset()),
    "route_message_task": (frozenset({"message"}), frozenset({"site"})),
}

_VERSION_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,31}$")


@dataclass(frozen=True)
class PromptVersion:
    """One version of one prompt: its text and why it changed."""

    prompt_id: str
    version: str
    text: str
    changelog: str
    source: str  # "shipped" or "workspace"
    path: str

    @property
    def label(self) -> str:
        return f"{self.prompt_id}@{self.version}"

    def render(self, **values) -> str:
        return Template(self.text).substitute(values)

    def to_dict(self, with_text: bool = False) -> dict:
        data = {"prompt_id": self.prompt_id, "version": self.version, "changelog": self.changelog,
                "source": self.source, "path": self.path, "chars": len(self.text)}
        if with_text:
            data["text"] = self.text
        return data


def shipped_prompts_dir() -> Path:
    return Path(__file__).resolve().parent.parent / "data" / "prompts"


def workspace_prompts_dir() -> Path:
    return config.workspace(create=False) / "prompts"


def _placeholders(template: Template) -> set[str]:
    names = set()
    for match in template.pattern.finditer(template.template):
        if match.group("invalid") is not None:
            raise ValueError(f"a stray '$' at character {match.start()} (write $$ for a literal dollar sign)")
        name = match.group("named") or match.group("braced")
        if name:
            names.add(name)
    return names


def _parse(path: Path, prompt_id: str, source: str) -> PromptVersion:
    version = path.stem
    where = f"the prompt file {path}"
    if not _VERSION_NAME.match(version):
        raise ConfigError(f"{where} has an invalid version name; use letters, digits, '.', '-' or '_'")
    raw = path.read_text(encoding="utf-8")
    head, sep, body = raw.partition("\n---\n")
    if not sep:
        raise ConfigError(f"{where} needs a header ('changelog: why this version'), a line '---', then the text")
    header = {}
    for line in head.splitlines():
        key, colon, value = line.partition(":")
        if not colon:
            raise ConfigError(f"{where}: header line {line!r} is not 'key: value'")
        header[key.strip()] = value.strip()
    if not header.get("changelog"):
        raise ConfigError(f"{where} needs a 'changelog:' line saying what this version changes")
    text = body[:-1] if body.endswith("\n") else body
    if not text.strip():
        raise ConfigError(f"{where} has no text after the '---' line")
    required, optional = PROMPT_IDS[prompt_id]
    try:
        used = _placeholders(Template(text))
    except ValueError as exc:
        raise ConfigError(f"{where}: {exc}") from None
    if required - used:
        raise ConfigError(f"{where} must use the placeholder(s) {', '.join('${' + n + '}' for n in sorted(required - used))}")
    if used - required - optional:
        allowed = sorted(required | optional)
        raise ConfigError(f"{where} uses unknown placeholder(s) {', '.join(sorted(used - required - optional))}; "
                          f"{prompt_id} may use: {', '.join(allowed) or 'none'}")
    return PromptVersion(prompt_id, version, text, header["changelog"], source, str(path))


def _scan(directory: Path) -> tuple:
    if not directory.is_dir():
        return ()
    return tuple(sorted((str(p), p.stat().st_mtime_ns) for p in directory.glob("*/*.md")))


@lru_cache(maxsize=8)
def _load(shipped: str, workspace: str, stamp: tuple) -> dict[str, dict[str, PromptVersion]]:
    registry: dict[str, dict[str, PromptVersion]] = {pid: {} for pid in PROMPT_IDS}
    for directory, source in ((Path(shipped), "shipped"), (Path(workspace), "workspace")):
        if not directory.is_dir():
            continue
        for path in sorted(directory.glob("*/*.md")):
            prompt_id = path.parent.name
            if prompt_id not in PROMPT_IDS:
                raise ConfigError(f"the prompt file {path} is for an unknown prompt {prompt_id!r}; "
                                  f"prompt ids: {', '.join(PROMPT_IDS)}")
            version = _parse(path, prompt_id, source)
            if version.version in registry[prompt_id]:
                raise ConfigError(f"prompt {version.label} exists twice ({registry[prompt_id][version.version].path} "
                                  f"and {path}); prompt versions never change, so give the new text a new version")
            registry[prompt_id][version.version] = version
    missing = [pid for pid, versions in registry.items() if DEFAULT_VERSION not in versions]
    if missing:
        raise ConfigError(f"the shipped prompts {', '.join(missing)} have no version {DEFAULT_VERSION} in {shipped}; "
                          "reinstall faibric")
    return registry


def load_prompts() -> dict[str, dict[str, PromptVersion]]:
    """Every prompt version, by prompt id and version (shipped, then the workspace's), checked."""
    shipped, workspace = shipped_prompts_dir(), workspace_prompts_dir()
    return _load(str(shipped), str(workspace), (_scan(shipped), _scan(workspace)))


def prompt_version(prompt_id: str, version: str | None = None) -> PromptVersion:
    """One prompt version (the default version when ``version`` is None)."""
    registry = load_prompts()
    if prompt_id not in registry:
        raise ConfigError(f"there is no prompt {prompt_id!r}; prompt ids: {', '.join(PROMPT_IDS)}")
    version = version or DEFAULT_VERSION
    if version not in registry[prompt_id]:
        raise ConfigError(f"prompt {prompt_id} has no version {version!r}; versions: "
                          f"{', '.join(sorted(registry[prompt_id]))} (add {workspace_prompts_dir()}/{prompt_id}/"
                          f"{version}.md to create it)")
    return registry[prompt_id][version]


def add_prompt_version(prompt_id: str, version: str, text: str, changelog: str) -> PromptVersion:
    """Save a new version of a prompt in the workspace, checked like the shipped ones (refused if it breaks a rule)."""
    from ..errors import InvalidInputError

    if prompt_id not in PROMPT_IDS:
        raise InvalidInputError(f"there is no prompt {prompt_id!r}; prompt ids: {', '.join(PROMPT_IDS)}")
    if not _VERSION_NAME.match(version or ""):
        raise InvalidInputError(f"version {version!r} must be letters, digits, '.', '-' or '_' (up to 32)")
    if version in load_prompts()[prompt_id]:
        raise InvalidInputError(f"prompt {prompt_id}@{version} exists already; prompt versions never change, "
                                "so choose a new version name")
    changelog = " ".join((changelog or "").split())
    if not changelog:
        raise InvalidInputError("say what the new version changes (--changelog)")
    path = workspace_prompts_dir() / prompt_id / f"{version}.md"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(f"changelog: {changelog}\n---\n{text.rstrip(chr(10))}\n", encoding="utf-8")
    try:
        return _parse(path, prompt_id, "workspace")
    except ConfigError as exc:
        path.unlink()
        raise InvalidInputError(exc.message) from None


class PromptBook:
    """The prompt versions one build or change uses: one per prompt id (the default where not chosen)."""

    def __init__(self, versions: dict[str, str] | None = None):
        chosen = dict(versions or {})
        unknown = sorted(set(chosen) - set(PROMPT_IDS))
        if unknown:
            raise ConfigError(f"unknown prompt id(s) {', '.join(unknown)}; prompt ids: {', '.join(PROMPT_IDS)}")
        self.prompts = {pid: prompt_version(pid, chosen.get(pid)) for pid in PROMPT_IDS}

    def render(self, prompt_id: str, **values) -> str:
        return self.prompts[prompt_id].render(**values)

    def label(self, prompt_id: str) -> str:
        return self.prompts[prompt_id].label

    @property
    def versions(self) -> dict[str, str]:
        return {pid: p.version for pid, p in self.prompts.items()}


def default_book() -> PromptBook:
    """The default version of every prompt (what a call outside any variant uses)."""
    return PromptBook()
