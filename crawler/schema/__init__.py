"""The JSON Schema of a written record, and a validator built once.

``errors(record)`` is called for every item, so it first runs a check compiled from the schema
into plain Python (``fast_check``: type, enum, pattern, minLength, required, properties,
``additionalProperties: false``, items, oneOf, local ``$ref``), about 50 times cheaper than
jsonschema. Only a record the fast check rejects goes through jsonschema, which gives the
verdict and the messages; a schema using any other keyword is not compiled and every record goes
through jsonschema. The compiled check accepts exactly what the schema accepts
(tests/test_performance.py compares both verdicts).
"""
from __future__ import annotations

import json
import re
from collections.abc import Callable
from functools import lru_cache
from pathlib import Path
from typing import Any

SCHEMA_PATH = Path(__file__).with_name("article.schema.json")

Check = Callable[[Any], bool]

#: keywords that never change a verdict
_ANNOTATIONS = {"$schema", "$id", "title", "description", "$defs", "$comment", "examples", "default"}
_TYPES: dict[str, Callable[[Any], bool]] = {
    "string": lambda v: isinstance(v, str),
    "null": lambda v: v is None,
    "boolean": lambda v: isinstance(v, bool),
    "object": lambda v: isinstance(v, dict),
    "array": lambda v: isinstance(v, list),
    "integer": lambda v: (isinstance(v, int) and not isinstance(v, bool)) or (isinstance(v, float) and v.is_integer()),
    "number": lambda v: isinstance(v, (int, float)) and not isinstance(v, bool),
}

#: JSON types that are exactly one Python class test (bool is not an int here: no "integer")
_CLASSES: dict[str, type] = {"string": str, "null": type(None), "boolean": bool, "object": dict, "array": list}


@lru_cache(maxsize=1)
def schema() -> dict:
    return json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))


@lru_cache(maxsize=1)
def validator():
    from jsonschema import Draft202012Validator

    return Draft202012Validator(schema())


class _Unsupported(Exception):
    pass


def compile_check(node: Any, root: dict | None = None) -> Check | None:
    """A function value -> bool equivalent to the (sub)schema NODE, or None when NODE uses a
    keyword this compiler does not know (then only jsonschema can judge)."""
    try:
        return _compile(node, root if root is not None else node)
    except _Unsupported:
        return None


def _compile(node: Any, root: dict) -> Check:
    if node is True:
        return lambda v: True
    if node is False:
        return lambda v: False
    if not isinstance(node, dict):
        raise _Unsupported(repr(node))
    checks: list[Check] = []
    for key, arg in node.items():
        if key in _ANNOTATIONS:
            continue
        if key == "type":
            names = [arg] if isinstance(arg, str) else list(arg)
            if any(n not in _TYPES for n in names):
                raise _Unsupported(f"type {arg}")
            if all(n in _CLASSES for n in names):  # one isinstance call
                classes = tuple(_CLASSES[n] for n in names)
                checks.append(lambda v, classes=classes: isinstance(v, classes))
                continue
            preds = tuple(_TYPES[n] for n in names)
            checks.append(lambda v, preds=preds: any(p(v) for p in preds))
        elif key == "enum":
            if not all(isinstance(x, str) for x in arg):
                raise _Unsupported("enum of non-strings")
            allowed = frozenset(arg)
            checks.append(lambda v, allowed=allowed: isinstance(v, str) and v in allowed)
        elif key == "pattern":
            rx = re.compile(arg)
            checks.append(lambda v, rx=rx: not isinstance(v, str) or rx.search(v) is not None)
        elif key == "minLength":
            checks.append(lambda v, n=int(arg): not isinstance(v, str) or len(v) >= n)
        elif key == "required":
            keys = frozenset(arg)
            checks.append(lambda v, keys=keys: not isinstance(v, dict) or keys <= v.keys())
        elif key == "properties":
            props = tuple((k, _compile(sub, root)) for k, sub in arg.items())

            def check_props(v, props=props):
                if not isinstance(v, dict):
                    return True
                for k, sub in props:
                    if k in v and not sub(v[k]):
                        return False
                return True

            checks.append(check_props)
        elif key == "additionalProperties":
            if arg is not False or set(node) & {"patternProperties", "unevaluatedProperties"}:
                raise _Unsupported("additionalProperties other than false beside properties")
            known = frozenset(node.get("properties", {}))
            checks.append(lambda v, known=known: not isinstance(v, dict) or v.keys() <= known)
        elif key == "items":
            if not isinstance(arg, dict):
                raise _Unsupported("items must be a schema")
            sub = _compile(arg, root)

            def check_items(v, sub=sub):
                if not isinstance(v, list):
                    return True
                for x in v:
                    if not sub(x):
                        return False
                return True

            checks.append(check_items)
        elif key == "oneOf":
            subs = tuple(_compile(s, root) for s in arg)

            def one_of(v, subs=subs):
                hits = 0
                for s in subs:
                    if s(v):
                        hits += 1
                return hits == 1

            checks.append(one_of)
        elif key == "$ref":
            if not isinstance(arg, str) or not arg.startswith("#/"):
                raise _Unsupported(f"$ref {arg}")
            target: Any = root
            for part in arg[2:].split("/"):
                target = target[part.replace("~1", "/").replace("~0", "~")]
            checks.append(_compile(target, root))
        else:
            raise _Unsupported(key)
    return _all_of(checks)


def _all_of(checks: list[Check]) -> Check:
    if not checks:
        return lambda v: True
    if len(checks) == 1:
        return checks[0]
    if len(checks) == 2:
        first, second = checks
        return lambda v: first(v) and second(v)
    checks_t = tuple(checks)

    def all_of(v):
        for c in checks_t:
            if not c(v):
                return False
        return True

    return all_of


@lru_cache(maxsize=1)
def fast_check() -> Check | None:
    """The compiled check of the record schema (None when the schema needs jsonschema)."""
    return compile_check(schema())


def errors(record: dict) -> list[str]:
    """Human-readable schema violations of RECORD ([] when it validates)."""
    fast = fast_check()
    if fast is not None and fast(record):
        return []
    return [f"{'/'.join(map(str, e.absolute_path)) or '<record>'}: {e.message}" for e in validator().iter_errors(record)]
