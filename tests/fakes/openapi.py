"""A small validator for the part of OpenAPI 3.0 schemas that the Render subset uses.

Handles ``$ref`` (local), ``type``, ``required``, ``properties``, ``enum``,
``items``, ``oneOf`` (exactly one must match), ``minimum``/``maximum`` and
``additionalProperties: false``. Returns a list of error strings; empty means valid.
"""

from __future__ import annotations

import json
from pathlib import Path

_TYPES = {
    "object": dict,
    "array": list,
    "string": str,
    "boolean": bool,
}


def load_spec() -> dict:
    """The Render OpenAPI subset: ``../shared/reference`` beside the repository, else the copy kept here."""
    repo_root = Path(__file__).resolve().parents[2]
    for candidate in (
        repo_root.parent / "shared" / "reference" / "render-openapi-subset.json",
        Path(__file__).with_name("render-openapi-subset.json"),
    ):
        if candidate.exists():
            return json.loads(candidate.read_text())
    raise FileNotFoundError("render-openapi-subset.json was found neither in ../shared/reference nor in tests/fakes")


def resolve(spec: dict, ref: str) -> dict:
    if not ref.startswith("#/"):
        raise ValueError(f"only local refs are supported, not {ref}")
    node = spec
    for part in ref[2:].split("/"):
        node = node[part.replace("~1", "/").replace("~0", "~")]
    return node


def validate(instance, schema: dict, spec: dict, path: str = "$") -> list[str]:
    if "$ref" in schema:
        return validate(instance, resolve(spec, schema["$ref"]), spec, path)
    errors: list[str] = []
    if "oneOf" in schema:
        results = [validate(instance, s, spec, path) for s in schema["oneOf"]]
        matches = sum(1 for r in results if not r)
        if matches != 1:
            errors.append(f"{path}: matches {matches} of the oneOf schemas, expected exactly 1")
        if matches == 0:
            for candidate, problems in zip(schema["oneOf"], results, strict=True):
                name = candidate.get("$ref", "inline schema").rsplit("/", 1)[-1]
                errors.extend(f"{problem} (as {name})" for problem in problems)
    kind = schema.get("type")
    if kind:
        if kind == "integer":
            ok = isinstance(instance, int) and not isinstance(instance, bool)
        elif kind == "number":
            ok = isinstance(instance, int | float) and not isinstance(instance, bool)
        else:
            ok = isinstance(instance, _TYPES[kind]) and not (kind != "boolean" and isinstance(instance, bool))
        if not ok:
            return errors + [f"{path}: expected {kind}, got {type(instance).__name__}"]
    if "enum" in schema and instance not in schema["enum"]:
        errors.append(f"{path}: {instance!r} is not one of {schema['enum']}")
    if isinstance(instance, int | float) and not isinstance(instance, bool):
        if "minimum" in schema and instance < schema["minimum"]:
            errors.append(f"{path}: {instance} < minimum {schema['minimum']}")
        if "maximum" in schema and instance > schema["maximum"]:
            errors.append(f"{path}: {instance} > maximum {schema['maximum']}")
    if isinstance(instance, dict):
        for name in schema.get("required", []):
            if name not in instance:
                errors.append(f"{path}: missing required property {name!r}")
        props = schema.get("properties", {})
        for name, value in instance.items():
            if name in props:
                errors.extend(validate(value, props[name], spec, f"{path}.{name}"))
            elif schema.get("additionalProperties") is False:
                errors.append(f"{path}: unexpected property {name!r}")
    if isinstance(instance, list) and "items" in schema:
        for i, item in enumerate(instance):
            errors.extend(validate(item, schema["items"], spec, f"{path}[{i}]"))
    return errors


def request_schema(spec: dict, path: str, method: str) -> dict:
    op = spec["paths"][path][method.lower()]
    return op["requestBody"]["content"]["application/json"]["schema"]
