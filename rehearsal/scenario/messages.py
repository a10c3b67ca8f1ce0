"""Pydantic's validation errors, turned into plain-English problems at the right line:column."""

from __future__ import annotations

import re
import types
import typing
from dataclasses import dataclass
from inspect import isclass

from pydantic import BaseModel, ValidationError

from rehearsal.scenario.model import ID_PATTERN, Scenario
from rehearsal.scenario.problems import Problem
from rehearsal.scenario.suggest import did_you_mean
from rehearsal.scenario.yamltree import DataPath, Located

_EXPECTED = {
    "string_type": "text",
    "int_type": "a whole number",
    "int_parsing": "a whole number",
    "int_from_float": "a whole number",
    "float_type": "a number",
    "float_parsing": "a number",
    "bool_type": "true or false",
    "bool_parsing": "true or false",
    "list_type": "a list (one '- ' item per line)",
    "dict_type": "a mapping of keys and values",
    "model_type": "a mapping of keys and values",
    "model_attributes_type": "a mapping of keys and values",
}
_BOUNDS = {
    "greater_than": "more than {gt}",
    "greater_than_equal": "at least {ge}",
    "less_than": "less than {lt}",
    "less_than_equal": "at most {le}",
}


@dataclass
class _Error:
    path: DataPath  # where in the data (union member names stripped)
    field: DataPath  # the field the error belongs to (== path unless inside a union member)
    kind: str
    expected: str | None
    message: str
    union: bool
    at_key: bool = False


def problems_from(exc: ValidationError, located: Located, file: str) -> list[Problem]:
    errors = [_convert(e, located) for e in exc.errors(include_url=False)]
    problems = []
    for err in _settle_unions(errors, located.data):
        line, col = located.key_at(err.path) if err.at_key else located.value_at(err.path)
        # A key's own problem is reported on the mapping that holds it.
        where = _dotted(err.path[:-1] if err.kind in ("extra_forbidden", "key_id") else err.path)
        problems.append(Problem(file, line, col, f"{where}: {err.message}" if where else err.message))
    return problems


def _convert(error: dict, located: Located) -> _Error:
    kind = error["type"]
    loc = tuple(error["loc"])
    value = error.get("input")
    ctx = error.get("ctx") or {}
    if kind == "missing":
        parent, _, _ = _walk(loc[:-1], located.data)
        name = str(loc[-1])
        return _Error(parent, parent, kind, None, _missing(parent, name), False, at_key=bool(parent))
    path, field, union = _walk(loc, located.data)
    if kind == "extra_forbidden":
        name = str(path[-1])
        msg = f"unknown key '{name}'{did_you_mean(name, _allowed_keys(path[:-1]))}"
        return _Error(path, path, kind, None, msg, False, at_key=True)
    if "[key]" in loc:
        label = {"turns": "turn", "cast": "cast member"}.get(str(path[0]), "key")
        return _Error(path, path, "key_id", None, f"{label} {_bad_id(str(path[-1]))}", False, at_key=True)
    expected = _EXPECTED.get(kind)
    if kind == "literal_error":
        expected = "one of " + str(ctx.get("expected", "")).replace("'", "")
    if field and field[-1] == "turns" and kind in ("dict_type", "model_type") and path == field:
        expected = "a mapping from turn ids to turns (e.g. 'greeting:' with the turn indented below it)"
    return _Error(path, field, kind, expected, _message(kind, value, ctx, expected, error["msg"]), union)


def _message(kind: str, value: object, ctx: dict, expected: str | None, raw: str) -> str:
    if kind == "literal_error" and isinstance(value, str):
        choices = re.findall(r"'([^']*)'", str(ctx.get("expected", "")))
        return f"'{value}' is not allowed here{did_you_mean(value, choices)}"
    if expected is not None:
        return _expected_got(expected, value)
    if kind == "string_pattern_mismatch" and ctx.get("pattern") == ID_PATTERN:
        return _bad_id(str(value))
    if kind in _BOUNDS:
        return f"must be {_BOUNDS[kind].format(**ctx)}, got {_describe(value)}"
    if kind == "string_too_short":
        return "must not be empty; write some text here"
    if kind == "too_short":
        return "must not be empty; add at least one entry"
    if kind == "finite_number":
        return "must be an ordinary number, not infinity or NaN"
    if kind == "value_error":
        return raw.removeprefix("Value error, ")
    return raw[0].lower() + raw[1:] if raw else kind


def _expected_got(expected: str, value: object) -> str:
    quote = expected.startswith("text") and isinstance(value, bool | int | float)
    return f"expected {expected}, got {_describe(value)}" + ("; put the text in quotes" if quote else "")


def _missing(parent: DataPath, name: str) -> str:
    model = _model_at(parent)
    info = model.model_fields.get(name) if model else None
    why = f" ({_lower_first(info.description.rstrip('.'))})" if info and info.description else ""
    return f"missing key '{name}'{why}; add '{name}:' here"


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:] if text[1:2].islower() else text


def _bad_id(value: str) -> str:
    slug = re.sub(r"[^a-z0-9_-]+", "-", value.lower()).strip("-_") or "my-id"
    return f"'{value}' is not a valid id; use lower-case letters, digits, '-' and '_', e.g. '{slug}'"


def _settle_unions(errors: list[_Error], data: object) -> list[_Error]:
    """A value that fits no member of a union gets one error per member; keep the useful one."""
    kept = [e for e in errors if not e.union]
    groups: dict[DataPath, list[_Error]] = {}
    for err in errors:
        if err.union:
            groups.setdefault(err.field, []).append(err)
    for field, group in groups.items():
        deeper = [e for e in group if len(e.path) > len(field)]
        if deeper:
            kept.extend(deeper)  # the value was clearly meant as the list/mapping member
            continue
        if any(e.kind == "literal_error" for e in group):
            # 'tone: angry' is a misspelt label far more often than a would-be list.
            group = [e for e in group if e.kind != "list_type"]
        if len(group) > 1 and all(e.expected for e in group):
            wanted = " or ".join(dict.fromkeys(e.expected or "" for e in group))
            value = _value_at(data, field)
            group = [_Error(field, field, "union", wanted, _expected_got(wanted, value), True)]
        kept.append(group[0])
    return kept


def _walk(loc: tuple, data: object) -> tuple[DataPath, DataPath, bool]:
    """Follow an error location through the data; returns (data path, field path, in a union).

    Pydantic adds the name of each union member it tried (e.g. 'list[str]'); those are not
    in the data, and the field path stops where the first of them was.
    """
    path: list[str | int] = []
    field: DataPath | None = None
    node = data
    for part in loc:
        if part == "[key]":
            break
        if isinstance(node, dict) and isinstance(part, str) and part in node:
            node = node[part]
        elif isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node):
            node = node[part]
        else:
            if field is None:
                field = tuple(path)
            continue
        path.append(part)
    return tuple(path), field if field is not None else tuple(path), field is not None


def _value_at(data: object, path: DataPath) -> object:
    for part in path:
        data = data[part]  # type: ignore[index]
    return data


def _allowed_keys(path: DataPath) -> list[str]:
    model = _model_at(path)
    return list(model.model_fields) if model else []


def _model_at(path: DataPath) -> type[BaseModel] | None:
    """The model that describes the mapping at `path` (None for free-form parts)."""
    annotation: object = Scenario
    for part in path:
        model = _as_model(annotation)
        if model is not None:
            info = model.model_fields.get(part) if isinstance(part, str) else None
            annotation = info.annotation if info else None
        else:
            annotation = _container_item(annotation, part)
        if annotation is None:
            return None
    return _as_model(annotation)


def _members(annotation: object) -> list[object]:
    if typing.get_origin(annotation) in (typing.Union, types.UnionType):
        return list(typing.get_args(annotation))
    return [annotation]


def _as_model(annotation: object) -> type[BaseModel] | None:
    for member in _members(annotation):
        if isclass(member) and issubclass(member, BaseModel):
            return member
    return None


def _container_item(annotation: object, part: str | int) -> object | None:
    for member in _members(annotation):
        origin, args = typing.get_origin(member), typing.get_args(member)
        if origin is dict and isinstance(part, str):
            return args[1]
        if origin is list and isinstance(part, int):
            return args[0]
    return None


def _describe(value: object) -> str:
    if value is None:
        return "nothing (the value is empty)"
    if isinstance(value, bool):
        return f"the yes/no value {str(value).lower()}"
    if isinstance(value, int | float):
        return f"the number {value}"
    if isinstance(value, str):
        short = value if len(value) <= 40 else value[:37] + "..."
        return f"the text '{short}'"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping of keys and values"
    return type(value).__name__


def _dotted(path: DataPath) -> str:
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else part)
    return out
