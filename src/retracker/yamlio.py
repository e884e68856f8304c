"""Safe YAML reading for event files.

One parse per file: the document is composed into a node tree (libyaml's C parser when
available) and turned into plain Python values by a small walker that

- reads YAML 1.2 booleans (only true/false; ``NO`` stays the string "NO"),
- keeps timestamps as strings (a strict validator reads dates later),
- rejects duplicate keys (naming both lines), aliases, anchors, merge keys and tags
  other than the core ones,
- enforces a size limit and a depth limit.

The node tree is kept so that a later error (a pydantic one, say) can be located at the
line and column of the node that caused it. Every problem is a :class:`YamlProblem` with
a 1-based line and column, never a bare PyYAML exception.
"""

from __future__ import annotations

import os
import re
import stat
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

MAX_BYTES = 1_048_576
"""Event files larger than this (1 MiB) are refused; real events are a few KiB."""

MAX_DEPTH = 32
"""Deepest nesting of mappings and sequences accepted in an event file."""

CORE_TAGS = {
    "tag:yaml.org,2002:str",
    "tag:yaml.org,2002:int",
    "tag:yaml.org,2002:float",
    "tag:yaml.org,2002:bool",
    "tag:yaml.org,2002:null",
    "tag:yaml.org,2002:seq",
    "tag:yaml.org,2002:map",
}

_Base: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
LOADER_NAME = "libyaml (C)" if _Base is not yaml.SafeLoader else "pure Python"


class EventLoader(_Base):  # type: ignore[misc, valid-type]
    """The safe loader with YAML 1.2 booleans and no implicit timestamps.

    The parser asks :meth:`resolve` for the tag of every node it builds; PyYAML's general
    version also consults path resolvers, which this loader never has. Its answers are the
    same, from a table of tuples (a fifth of a file's compose time less).
    """

    def resolve(self, kind: type[Node], value: Any, implicit: Any) -> str:
        if kind is ScalarNode:
            if implicit[0]:
                tag = _PLAIN.get(value)
                return tag if tag is not None else _plain_tag(value)
            return _STR
        return _SEQ if kind is SequenceNode else _MAP

    # No path resolvers: nothing to track while descending or ascending. The parser calls
    # these for every node; builtins that ignore their arguments cost a third of a method.
    descend_resolver = staticmethod({}.get)  # (node, index) -> None
    ascend_resolver = staticmethod(tuple)  # () -> ()


EventLoader.yaml_implicit_resolvers = {
    first: [r for r in resolvers if r[0] not in ("tag:yaml.org,2002:bool", "tag:yaml.org,2002:timestamp")]
    for first, resolvers in _Base.yaml_implicit_resolvers.items()
}
EventLoader.add_implicit_resolver(
    "tag:yaml.org,2002:bool",
    re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"),
    list("tTfF"),
)
_WILDCARD = tuple(EventLoader.yaml_implicit_resolvers.get(None, ()))
_IMPLICIT = {
    first: (*resolvers, *_WILDCARD)
    for first, resolvers in EventLoader.yaml_implicit_resolvers.items()
    if first is not None
}
_STR = "tag:yaml.org,2002:str"
_PLAIN: dict[str, str] = {}
"""Tags of plain scalars already resolved: keys and short values recur in every file."""


def _plain_tag(value: str) -> str:
    tag = _STR
    for candidate, regexp in _IMPLICIT.get(value[:1], _WILDCARD):
        if regexp.match(value):
            tag = candidate
            break
    if len(value) <= _INTERN_LEN and len(_PLAIN) < 16384:
        _PLAIN[value] = tag
    return tag


_SEQ = "tag:yaml.org,2002:seq"
_MAP = "tag:yaml.org,2002:map"

_NUMBERS = yaml.constructor.SafeConstructor()


@dataclass(frozen=True)
class YamlProblem(Exception):
    """A located problem in a YAML file (1-based line and column)."""

    code: str
    message: str
    line: int = 1
    col: int = 1
    hint: str | None = None

    def __str__(self) -> str:
        return f"{self.line}:{self.col}: {self.code} {self.message}"


@dataclass
class Document:
    """A loaded event file: its plain data and the node tree it came from.

    A mapping's keys are indexed the first time a finding is located in it, so that a file
    with many findings is searched once, not once per finding.
    """

    data: Any
    root: Node | None
    text: str = field(default="", repr=False, compare=False)
    """The decoded source; lint reads it to rule out findings (see ``lint._plain_source``)."""
    _keys: dict[int, dict[str, tuple[Node, Node]]] = field(default_factory=dict, repr=False, compare=False)

    def locate(self, loc: tuple[Any, ...]) -> tuple[int, int]:
        """Line and column (1-based) of the node at ``loc``, or of its nearest ancestor."""
        node = self.root
        if node is None:
            return 1, 1
        for step in loc:
            child = self._child(node, step)
            if child is None:
                break
            node = child
        return node.start_mark.line + 1, node.start_mark.column + 1

    def locate_key(self, loc: tuple[Any, ...]) -> tuple[int, int]:
        """Position of the key (not the value) of the last step of ``loc`` when it exists."""
        parent = self.root
        for step in loc[:-1]:
            parent = self._child(parent, step) if parent is not None else None
        if isinstance(parent, MappingNode) and loc:
            pair = self._pairs(parent).get(str(loc[-1]))
            if pair is not None:
                return pair[0].start_mark.line + 1, pair[0].start_mark.column + 1
        return self.locate(loc)

    def _child(self, node: Node, step: Any) -> Node | None:
        if isinstance(node, MappingNode):
            pair = self._pairs(node).get(str(step))
            return pair[1] if pair is not None else None
        if isinstance(node, SequenceNode) and isinstance(step, int) and 0 <= step < len(node.value):
            return node.value[step]
        return None

    def _pairs(self, node: MappingNode) -> dict[str, tuple[Node, Node]]:
        """A mapping's (key node, value node) by key text; the first of a repeated key."""
        pairs = self._keys.get(id(node))
        if pairs is None:
            pairs = {}
            for key, value in node.value:
                if isinstance(key, ScalarNode):
                    pairs.setdefault(key.value, (key, value))
            self._keys[id(node)] = pairs
        return pairs


def _mark(mark: Any) -> tuple[int, int]:
    if mark is None:
        return 1, 1
    return mark.line + 1, mark.column + 1


def decode(raw: bytes) -> str:
    """Decode event-file bytes: UTF-8 (with or without BOM) or UTF-16/32 with a BOM."""
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    elif raw.startswith((b"\xff\xfe\x00\x00", b"\x00\x00\xfe\xff")):
        raise YamlProblem(
            "RT002", "file is UTF-32 encoded; event files must be UTF-8", hint="re-save as UTF-8"
        )
    elif raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise YamlProblem(
            "RT002", "file is UTF-16 encoded; event files must be UTF-8", hint="re-save as UTF-8"
        )
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        col = exc.start - (raw.rfind(b"\n", 0, exc.start) + 1) + 1
        raise YamlProblem(
            "RT002",
            f"invalid UTF-8 byte 0x{raw[exc.start]:02x}; event files must be UTF-8",
            line,
            col,
            hint="re-save the file as UTF-8 (was it Latin-1 or Windows-1252?)",
        ) from None
    nul = text.find("\x00")
    if nul >= 0:
        line = text.count("\n", 0, nul) + 1
        col = nul - (text.rfind("\n", 0, nul) + 1) + 1
        raise YamlProblem("RT002", "NUL byte in file", line, col)
    return text


def read_bytes(path: Path, max_bytes: int = MAX_BYTES) -> bytes:
    """Read a file's bytes, refusing directories, pipes, devices, unreadable and oversized files.

    One open, one fstat on the open descriptor, one read: opened non-blocking, so a pipe is
    refused rather than waited on, and a device (``/dev/zero``) is refused before a byte is
    read. The messages name what the file should have been (an event, series or dataset file).
    """
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0))
    except RuntimeError:  # a symlink loop, on Python < 3.13
        raise YamlProblem("RT001", "cannot read file: symlink loop") from None
    except IsADirectoryError:  # Windows cannot open a folder
        raise YamlProblem("RT001", f"is a directory, not {_noun(path)}") from None
    except FileNotFoundError as exc:
        raise YamlProblem("RT001", _missing(path, exc)) from None
    except OSError as exc:
        raise YamlProblem("RT001", f"cannot read file: {exc.strerror or exc}") from None
    try:
        return _read_regular(fd, max_bytes, _noun(path))
    except OSError as exc:
        raise YamlProblem("RT001", f"cannot read file: {exc.strerror or exc}") from None
    finally:
        os.close(fd)


def _noun(path: Path | str) -> str:
    """What the file at ``path`` is meant to be, for messages."""
    parts = Path(path).parts
    if parts and parts[-1] == "dataset.yaml":
        return "a dataset file"
    if len(parts) > 1 and parts[-2] == "series":
        return "a series file"
    return "an event file"


def _missing(path: Path | str, exc: OSError) -> str:
    reason = f"cannot read file: {exc.strerror or exc}"
    try:
        target = os.readlink(path)
    except OSError:
        return reason
    return f"{reason} (a symbolic link to {target!r}, which does not exist)"


def _read_regular(fd: int, max_bytes: int, noun: str = "an event file") -> bytes:
    info = os.fstat(fd)
    if stat.S_ISDIR(info.st_mode):
        raise YamlProblem("RT001", f"is a directory, not {noun}")
    if not stat.S_ISREG(info.st_mode):
        raise YamlProblem("RT001", f"is not a regular file (a pipe, socket or device?); {noun} must be one")
    if info.st_size > max_bytes:
        limit = f"larger than {_size(max_bytes)} (the limit for {noun})"
        raise YamlProblem("RT003", f"file is {info.st_size:,} bytes, {limit}")
    chunks, size = [], 0
    while size <= max_bytes:
        chunk = os.read(fd, max_bytes + 1 - size)
        if not chunk:
            break
        chunks.append(chunk)
        size += len(chunk)
    if size > max_bytes:
        raise YamlProblem("RT003", f"file grew past {_size(max_bytes)} while read (the limit for {noun})")
    return b"".join(chunks)


def _size(limit: int) -> str:
    """``1 MiB`` for 1,048,576 bytes; bytes when the limit is not a whole MiB."""
    return f"{limit // 1_048_576} MiB" if limit % 1_048_576 == 0 else f"{limit:,} bytes"


_MAYBE_ANCHOR = re.compile(r"(?<![A-Za-z0-9=])&(?!\s|$)", re.M)
"""An ``&`` that could open an anchor: not inside a word or a URL's query (``?a=1&b=2``)
and followed by a name. Only then is the file parsed a second time to look for anchors."""


def load_text(text: str) -> Document:
    """Parse one YAML document into plain data plus its node tree."""
    if "&" in text and _MAYBE_ANCHOR.search(text):
        _reject_anchors(text)
    try:
        root = yaml.compose(text, Loader=EventLoader)
    except yaml.MarkedYAMLError as exc:
        raise _syntax_problem(exc, text) from None
    except yaml.reader.ReaderError as exc:
        # libyaml counts UTF-8 bytes; the pure-Python reader counts characters.
        offset = exc.position
        if _Base is not yaml.SafeLoader:
            offset = len(text.encode("utf-8")[:offset].decode("utf-8", errors="ignore"))
        line, col = _position(text, offset)
        raise YamlProblem(
            "RT004", f"control character {exc.character!r} not allowed in YAML", line, col
        ) from None
    except yaml.YAMLError as exc:
        line, col = _mark(getattr(exc, "problem_mark", None))
        raise YamlProblem("RT004", f"YAML error: {_one_line(str(exc))}", line, col) from None
    except (RecursionError, ValueError, OverflowError) as exc:
        raise YamlProblem("RT010", f"document cannot be parsed: {type(exc).__name__}") from None
    if root is None:
        raise YamlProblem("RT005", "file is empty (no YAML document)")
    data = _construct(root, 0, set())
    return Document(data, root, text)


def load_path(path: Path) -> Document:
    """Read, decode and parse an event file."""
    return load_text(decode(read_bytes(path)))


def _position(text: str, offset: int) -> tuple[int, int]:
    """1-based line and column of a character offset."""
    line = text.count("\n", 0, offset) + 1
    return line, offset - (text.rfind("\n", 0, offset) + 1) + 1


def _char_at(text: str, line: int, col: int) -> str:
    lines = text.splitlines()
    if 0 < line <= len(lines) and 0 < col <= len(lines[line - 1]):
        return lines[line - 1][col - 1]
    return ""


def _syntax_problem(exc: yaml.MarkedYAMLError, text: str) -> YamlProblem:
    mark = exc.problem_mark or exc.context_mark
    line, col = _mark(mark)
    problem = exc.problem or "invalid YAML"
    if "but found another document" in str(exc.problem or "") or (
        exc.context and "expected a single document" in exc.context
    ):
        return YamlProblem(
            "RT011",
            "more than one YAML document in the file",
            line,
            col,
            hint="an event file holds one document; remove the extra '---'",
        )
    if _char_at(text, line, col) == "\t" or "'\\t'" in problem:
        return YamlProblem(
            "RT004",
            "tab character where YAML expects spaces",
            line,
            col,
            hint="indent with spaces",
        )
    if "exceeded maximum nesting depth" in problem:
        return YamlProblem("RT010", f"nesting deeper than the parser allows: {problem}", line, col)
    context = f" ({exc.context})" if exc.context else ""
    return YamlProblem("RT004", f"YAML syntax error: {problem}{context}", line, col)


def _one_line(text: str) -> str:
    return " ".join(text.split())


def _reject_anchors(text: str) -> None:
    """Refuse anchors (&name) even when no alias uses them: event files have no use for them."""
    try:
        for event in yaml.parse(text, Loader=EventLoader):
            anchor = getattr(event, "anchor", None)
            if anchor is not None:
                line, col = _mark(event.start_mark)
                kind = "alias" if isinstance(event, yaml.AliasEvent) else "anchor"
                raise YamlProblem(
                    "RT008",
                    f"{kind} '{anchor}' not allowed in event files",
                    line,
                    col,
                    hint="write the value out in full",
                )
    except yaml.YAMLError:
        return  # the compose step reports syntax errors with their position
    except (RecursionError, ValueError, OverflowError):
        return


def _construct(node: Node, depth: int, seen: set[int]) -> Any:
    if depth > MAX_DEPTH:
        line, col = _mark(node.start_mark)
        raise YamlProblem("RT010", f"nesting deeper than {MAX_DEPTH} levels", line, col)
    if node.tag == _STR and type(node) is ScalarNode:
        value = node.value  # most nodes: a plain string needs no further check
        return sys.intern(value) if len(value) <= _INTERN_LEN else value
    if id(node) in seen:
        line, col = _mark(node.start_mark)
        raise YamlProblem("RT008", "alias not allowed in event files", line, col)
    _check_tag(node)
    if isinstance(node, ScalarNode):
        return _scalar(node)
    seen.add(id(node))
    if isinstance(node, SequenceNode):
        return [_construct(item, depth + 1, seen) for item in node.value]
    return _mapping(node, depth, seen)


_INTERN_LEN = 40
"""Short strings (kinds, codes, publishers, ids) recur across thousands of events: one copy each."""

_TAG_FITS = {
    "tag:yaml.org,2002:seq": SequenceNode,
    "tag:yaml.org,2002:map": MappingNode,
}


def _check_tag(node: Node) -> None:
    """Only core tags, and each on a node of its own kind (no `!!int {a: 1}`)."""
    fits = _TAG_FITS.get(node.tag, ScalarNode)
    if node.tag not in CORE_TAGS or not isinstance(node, fits):
        line, col = _mark(node.start_mark)
        raise YamlProblem(
            "RT009", f"tag '{node.tag}' not allowed here; event files use plain YAML values", line, col
        )


def _mapping(node: MappingNode, depth: int, seen: set[int]) -> dict[str, Any]:
    result: dict[str, Any] = {}
    depth += 1
    for key_node, value_node in node.value:
        if key_node.tag == _STR and type(key_node) is ScalarNode and key_node.value != "<<":
            key = key_node.value  # most keys: a plain string needs no further check
        else:
            key = _key(key_node)
        if key in result:
            _duplicate(node, key_node)
        if value_node.tag == _STR and type(value_node) is ScalarNode and depth <= MAX_DEPTH:
            value = value_node.value  # as _construct does, without the call
            result[key] = sys.intern(value) if len(value) <= _INTERN_LEN else value
        else:
            result[key] = _construct(value_node, depth, seen)
    return result


def _key(key_node: Node) -> str:
    """A mapping key other than a plain string: a scalar with a core tag, never a merge key."""
    if not isinstance(key_node, ScalarNode):
        raise YamlProblem("RT004", "mapping keys must be plain scalars", *_mark(key_node.start_mark))
    if key_node.tag == "tag:yaml.org,2002:merge" or key_node.value == "<<":
        raise YamlProblem("RT008", "merge key '<<' not allowed in event files", *_mark(key_node.start_mark))
    _check_tag(key_node)
    return key_node.value


def _duplicate(node: MappingNode, key_node: ScalarNode) -> None:
    """Raise RT007 for a key seen before in this mapping, naming the line of the first."""
    first = next(k for k, _ in node.value if k.value == key_node.value)
    raise YamlProblem(
        "RT007",
        f"duplicate key '{key_node.value}' (first at line {_mark(first.start_mark)[0]})",
        *_mark(key_node.start_mark),
    )


def _scalar(node: ScalarNode) -> Any:
    tag = node.tag
    if tag == "tag:yaml.org,2002:str":
        return node.value
    line, col = _mark(node.start_mark)
    if tag == "tag:yaml.org,2002:null":
        if node.value not in ("", "~", "null", "Null", "NULL"):
            raise YamlProblem("RT004", f"{node.value!r} is not a null", line, col)
        return None
    if tag == "tag:yaml.org,2002:bool":
        if node.value.lower() not in ("true", "false"):
            raise YamlProblem("RT004", f"{node.value!r} is not a boolean (true or false)", line, col)
        return node.value.lower() == "true"
    try:
        if tag == "tag:yaml.org,2002:int":
            return _NUMBERS.construct_yaml_int(node)
        return _NUMBERS.construct_yaml_float(node)
    except (ValueError, OverflowError, IndexError):
        raise YamlProblem("RT004", f"cannot read number {node.value!r}", line, col) from None
