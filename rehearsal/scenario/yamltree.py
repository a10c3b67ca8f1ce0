"""YAML text to plain data, remembering the line and column of every key and value.

Scenario files are untrusted. PyYAML's safe composer gives us a node tree with positions;
we build dicts, lists, text, numbers and booleans from it ourselves, so nothing in a file
can construct a Python object, and we refuse what has no place in a scenario: anchors and
aliases (they allow "billion laughs" blow-ups), duplicate keys (YAML keeps the last one
silently), custom tags and absurd nesting.

Plain scalars are read by the YAML 1.2 core schema, as the docs and the JSON Schema promise
(PyYAML speaks YAML 1.1): `017` is 17, `1:30`, `0b101`, `yes` and `2024-01-01` are text.
Numbers are finite and bounded (rehearsal.untrusted) and text holds no control characters or
lone surrogates, so nothing read here can turn into NaN or a terminal escape later.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from rehearsal.printable import first_unsafe
from rehearsal.untrusted import UntrustedInput, bounded_float, bounded_int

DataPath = tuple[str | int, ...]
Mark = tuple[int, int]  # (line, column), both counted from 1

MAX_DEPTH = 32  # a scenario needs about 8 levels; this only stops hostile nesting

_TAG = "tag:yaml.org,2002:"

# The YAML 1.2 core schema's plain scalars (https://yaml.org/spec/1.2.2/#1032-tag-resolution).
_CORE = (
    ("null", re.compile(r"~|null|Null|NULL|")),
    ("bool", re.compile(r"true|True|TRUE|false|False|FALSE")),
    ("int", re.compile(r"[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+")),
    ("float", re.compile(r"[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?")),
    ("float", re.compile(r"[-+]?\.(?:inf|Inf|INF)|\.nan|\.NaN|\.NAN")),
)


class YamlProblem(Exception):
    """The text is not YAML we accept. Carries a person-readable message and a position."""

    def __init__(self, line: int, column: int, message: str) -> None:
        super().__init__(message)
        self.line = line
        self.column = column
        self.message = message


@dataclass
class Located:
    """Plain data from a YAML document, plus where each part of it was written."""

    data: object
    values: dict[DataPath, Mark] = field(default_factory=dict)
    keys: dict[DataPath, Mark] = field(default_factory=dict)

    def value_at(self, path: DataPath) -> Mark:
        """Where the value at `path` is, or its nearest written ancestor if it is missing."""
        for end in range(len(path), -1, -1):
            mark = self.values.get(tuple(path[:end]))
            if mark:
                return mark
        return (1, 1)

    def key_at(self, path: DataPath) -> Mark:
        """Where the key naming `path` is written (falls back to the value's position)."""
        return self.keys.get(tuple(path)) or self.value_at(path)


class _Composer(yaml.SafeLoader):
    """The safe composer, refusing anchors/aliases and deep nesting before it recurses."""

    def __init__(self, text: str) -> None:
        super().__init__(text)
        self._depth = 0

    def resolve(self, kind: type, value: str, implicit: tuple[bool, bool]) -> str:
        if kind is ScalarNode and implicit[0]:  # a plain (unquoted, untagged) scalar
            return next((_TAG + tag for tag, rx in _CORE if rx.fullmatch(value)), _TAG + "str")
        return super().resolve(kind, value, implicit)

    def compose_node(self, parent: Node | None, index: object) -> Node:
        event = self.peek_event()
        if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None) is not None:
            line, col = _mark(event.start_mark)
            raise YamlProblem(
                line, col, "anchors and aliases ('&name', '*name') are not allowed in scenario files; "
                "write the value out in full",
            )
        self._depth += 1
        try:
            if self._depth > MAX_DEPTH:
                line, col = _mark(event.start_mark)
                raise YamlProblem(
                    line, col, f"the file is nested more than {MAX_DEPTH} levels deep; "
                    "a scenario needs far fewer, so check the indentation and brackets",
                )
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1


def parse(text: str) -> Located:
    """Parse one YAML document. Raises YamlProblem for anything we cannot or will not read."""
    composer = None
    try:
        # The reader checks for forbidden characters as soon as it is made.
        composer = _Composer(text)
        root = composer.get_single_node()
    except YamlProblem:
        raise
    except yaml.MarkedYAMLError as exc:
        raise _from_yaml_error(exc) from None
    except yaml.reader.ReaderError as exc:
        line, col = _position(text, exc.position)
        raise YamlProblem(
            line, col, f"the file contains a control character ({_char_name(exc.character)}) that YAML "
            "does not allow; delete it, or save the file as plain UTF-8 text",
        ) from None
    except yaml.YAMLError as exc:
        raise YamlProblem(1, 1, f"this is not valid YAML ({exc}); check the file's syntax") from None
    finally:
        if composer is not None:
            composer.dispose()
    located = Located(data=None)
    if root is not None:
        located.data = _build(root, (), located, composer)
    return located


def _build(node: Node, path: DataPath, out: Located, loader: _Composer) -> object:
    out.values[path] = _mark(node.start_mark)
    if isinstance(node, MappingNode):
        _require_tag(node, "map")
        return _build_mapping(node, path, out, loader)
    if isinstance(node, SequenceNode):
        _require_tag(node, "seq")
        return [_build(item, (*path, i), out, loader) for i, item in enumerate(node.value)]
    return _scalar(node)


def _build_mapping(node: MappingNode, path: DataPath, out: Located, loader: _Composer) -> dict:
    result: dict[str, object] = {}
    for key_node, value_node in node.value:
        if not isinstance(key_node, ScalarNode):
            line, col = _mark(key_node.start_mark)
            raise YamlProblem(line, col, "a key here is a list or mapping; keys must be plain words like 'title'")
        # Keys stay text: a turn may be named `no`, `on` or `404`.
        key = _text(key_node)
        key_path = (*path, key)
        if key in result:
            first_line, _ = out.keys[key_path]
            line, col = _mark(key_node.start_mark)
            raise YamlProblem(
                line, col, f"the key '{key}' appears twice in this mapping (first on line {first_line}); "
                "YAML would silently keep only the last one, so remove or rename one of them",
            )
        out.keys[key_path] = _mark(key_node.start_mark)
        result[key] = _build(value_node, key_path, out, loader)
    return result


def _scalar(node: ScalarNode) -> object:
    kind = node.tag.removeprefix(_TAG)
    value = node.value
    if kind in ("str", "timestamp"):
        return _text(node)  # a date stays the text the coach wrote
    if kind == "null" and value in ("", "~", "null", "Null", "NULL"):
        return None
    if kind == "bool" and value.lower() in ("true", "false"):
        return value.lower() == "true"
    if kind not in ("int", "float", "null", "bool"):
        _refuse_tag(node)
    try:
        if kind == "int" and re.fullmatch(r"[-+]?[0-9]+", value):
            return bounded_int(value)
        if kind == "int" and re.fullmatch(r"0o[0-7]+|0x[0-9a-fA-F]+", value):
            return _radix_int(value)
        if kind == "float" and _CORE[3][1].fullmatch(value):
            return bounded_float(value)
    except UntrustedInput as exc:
        raise _problem(node, f"the value {exc}") from None
    if kind == "float" and _CORE[4][1].fullmatch(value):
        raise _problem(node, f"'{value}' is infinite or not a number; write an ordinary number such as 1.5")
    raise _problem(node, f"'{value[:20]}' is not a valid {kind} in YAML 1.2; write a plain value, or put text in quotes")


def _radix_int(value: str) -> int:
    if len(value) > 2 + 25:  # 25 hex digits is already beyond MAX_NUMBER
        raise UntrustedInput(f"has {len(value) - 2} digits, far more than any scenario needs")
    return bounded_int(str(int(value[2:], 8 if value[1] == "o" else 16)))


def _text(node: ScalarNode) -> str:
    """A scalar's text, refused if it holds a control character or a lone surrogate."""
    value = node.value
    bad = first_unsafe(value)
    if bad is None:
        return value
    ch = value[bad]
    if "\ud800" <= ch <= "\udfff":
        what = f"U+{ord(ch):04X}, half of a UTF-16 surrogate pair and not a character on its own"
    else:
        name = unicodedata.name(ch, "") or {0x1B: "ESCAPE", 0x07: "BELL", 0x0D: "CARRIAGE RETURN"}.get(ord(ch), "a control character")
        what = f"U+{ord(ch):04X} ({name.lower()}), which could be sent to the terminal as a control code"
    raise _problem(node, f"the text contains {what}; remove it (tabs and line breaks are fine)")


def _problem(node: Node, message: str) -> YamlProblem:
    line, col = _mark(node.start_mark)
    return YamlProblem(line, col, message)


def _require_tag(node: Node, kind: str) -> None:
    if node.tag != _TAG + kind:
        _refuse_tag(node)


def _refuse_tag(node: Node) -> None:
    tag = node.tag.replace(_TAG, "!!")
    line, col = _mark(node.start_mark)
    raise YamlProblem(line, col, f"the tag '{tag}' is not allowed in scenario files; remove it and write plain values")


def _from_yaml_error(exc: yaml.MarkedYAMLError) -> YamlProblem:
    mark = exc.problem_mark or exc.context_mark
    if _unclosed_bracket(exc) and exc.context_mark is not None:
        mark = exc.context_mark  # the bracket that was opened, not the end of the file
    line, col = _mark(mark) if mark else (1, 1)
    return YamlProblem(line, col, _plain_message(exc))


def _plain_message(exc: yaml.MarkedYAMLError) -> str:
    """PyYAML's messages, said in plain words where we know the usual cause."""
    problem = (exc.problem or "").strip()
    context = (exc.context or "").strip()
    if "'\\t'" in problem:
        return "a tab character is used here; YAML indentation must be spaces, so replace the tab with spaces"
    if "expected a single document" in context + problem:
        return "the file holds more than one YAML document (a second '---'); keep one scenario per file"
    if problem.startswith("mapping values are not allowed"):
        return ("a ':' here starts a new key where none is allowed; if the text contains ': ', "
                "put the whole value in quotes, otherwise check the indentation")
    if "could not find expected ':'" in problem:
        return "expected 'key: value' here; check this line's indentation and that the key ends with ':'"
    if "end of stream" in problem and "quoted" in context:
        return "a quoted text is never closed; add the closing quote"
    if _unclosed_bracket(exc):
        return "a '[' or '{' here is never closed; add the matching ']' or '}' (or put the text in quotes)"
    if "<stream end>" in problem:
        return "the file ends in the middle of a value (an unclosed '[' or '{'?); finish or remove the last entry"
    if problem.startswith("expected <block end>"):
        return "this line's indentation does not line up with the lines above it; check the spaces at its start"
    if "found unhashable key" in problem:
        return "a key here is a list or mapping; keys must be plain words like 'title'"
    if problem.startswith("found character") or problem.startswith("found undefined"):
        return f"YAML cannot read this ({problem}); if it is text, put the whole value in quotes"
    detail = f"{context}, {problem}" if context else problem
    return f"this is not valid YAML ({detail or 'syntax error'}); check the syntax here"


def _unclosed_bracket(exc: yaml.MarkedYAMLError) -> bool:
    context = exc.context or ""
    problem = exc.problem or ""
    in_flow = "flow sequence" in context or "flow mapping" in context
    return in_flow and ("expected ',' or" in problem or "<stream end>" in problem)


def _mark(mark: yaml.Mark) -> Mark:
    return (mark.line + 1, mark.column + 1)


def _position(text: str, index: int) -> Mark:
    before = text[:index]
    return (before.count("\n") + 1, index - (before.rfind("\n") + 1) + 1)


def _char_name(char: object) -> str:
    return f"U+{char:04X}" if isinstance(char, int) else repr(char)
