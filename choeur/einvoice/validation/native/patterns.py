"""The syntax rules as tables: rule contexts and their assertions, checked in one walk.

A Schematron pattern is an ordered list of rules, each with a context; every element is
judged by the first rule of the pattern whose context it matches, and only by that one
(a later, more general context is shadowed). The CEN stylesheets rely on it (in CII,
`ram:TypeCode` of the document is matched by `//ram:TypeCode` first, so the rules of the
more specific context never run), so the native engine does the same:

* `Context` says which elements a rule applies to: a path (absolute `/a/b`, or relative
  `a/b`, matched on the element and its ancestors) or a name suffix (`*Amount`), with an
  optional predicate;
* `Pattern` is the ordered list; `Pattern.compile` indexes it by tag once;
* `walk` visits every element of the document once and runs the assertions of the first
  matching context of each pattern.

Assertions are written in a small table notation (`parse_table`), one rule per line:

    UBL-CR-001 absent ext:UBLExtensions          the path has no node
    UBL-SR-24 max 1 cac:Delivery                 at most N nodes
    UBL-SR-48 exactly 1 cac:Item/cac:ClassifiedTaxCategory

Paths are relative to the context element: `a/b` child steps, a last step `@x` for an
attribute, `LINE` for either UBL line element, a leading `//` for any descendant of the
document. The `absent` rules of a context are merged into one tree of names, walked once
over the context's children; the others are functions `(element) -> bool` (True: holds).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field

from lxml import etree

_El = etree._Element
Holds = Callable[[_El], bool]


@dataclass(slots=True)
class _Trie:
    children: dict[str, _Trie] = field(default_factory=dict)
    attrs: dict[str, list[str]] = field(default_factory=dict)
    ids: list[str] = field(default_factory=list)


@dataclass(slots=True)
class Rules:
    """The assertions of one context: absent paths (as a trie), descendant paths and
    predicates."""

    trie: _Trie = field(default_factory=_Trie)
    descendant: list[tuple[str, etree.XPath]] = field(default_factory=list)
    # `absent //a/b`: (rule id, the path compiled), and all of them as one union
    any_descendant: etree.XPath | None = None
    checks: list[tuple[str, Holds]] = field(default_factory=list)

    def ids(self) -> set[str]:
        found: set[str] = set()
        stack = [self.trie]
        while stack:
            node = stack.pop()
            found.update(node.ids)
            for ids in node.attrs.values():
                found.update(ids)
            stack.extend(node.children.values())
        found.update(rule_id for rule_id, _ in self.descendant)
        found.update(rule_id for rule_id, _ in self.checks)
        return found

    def failing(self, el: _El) -> Iterator[str]:
        trie = self.trie
        if trie.children or trie.attrs:
            yield from _trie_hits(el, trie)
        if self.any_descendant is not None and self.any_descendant(el):
            # rare: some forbidden descendant is there, find which rules
            for rule_id, path in self.descendant:
                if path(el):
                    yield rule_id
        for rule_id, holds in self.checks:
            if not holds(el):
                yield rule_id


def _trie_hits(el: _El, trie: _Trie) -> Iterator[str]:
    for name, ids in trie.attrs.items():
        if el.get(name) is not None:
            yield from ids
    children = trie.children
    if not children:
        return
    for child in el:
        node = children.get(child.tag)
        if node is not None:
            if node.ids:
                yield from node.ids
            if node.children or node.attrs:
                yield from _trie_hits(child, node)


def count(el: _El, steps: Sequence[tuple[str, ...]]) -> int:
    """How many nodes a relative path (compiled steps) reaches from an element."""
    if not steps:
        return 1
    step, rest = steps[0], steps[1:]
    if step[0] == "@":
        return 1 if el.get(step[1]) is not None else 0
    total = 0
    for tag in step:
        for child in el.iterchildren(tag):
            total += count(child, rest)
    return total


class Syntax:
    """The namespaces of one syntax, to compile table paths."""

    def __init__(self, namespaces: dict[str, str], line_tags: tuple[str, ...] = ()) -> None:
        self.namespaces = namespaces
        self.line_tags = line_tags

    def clark(self, name: str) -> str:
        prefix, _, local = name.partition(":")
        return f"{{{self.namespaces[prefix]}}}{local}"

    def steps(self, path: str) -> list[tuple[str, ...]]:
        """'cac:A/cbc:B/@x' -> [(A,), (B,), ('@', 'x')]; 'LINE' -> both line tags."""
        out: list[tuple[str, ...]] = []
        for step in path.split("/"):
            if step.startswith("@"):
                out.append(("@", step[1:]))
            elif step == "LINE":
                out.append(self.line_tags)
            else:
                out.append((self.clark(step),))
        return out


def parse_table(
    syntax: Syntax, text: str, extra: dict[str, dict[str, Holds]] | None = None
) -> dict[str, Rules]:
    """Table text -> the rules of each context (by context name, `[name]` headers)."""
    tables: dict[str, Rules] = {}
    current: Rules | None = None
    for raw in text.splitlines():
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        if line.startswith("["):
            current = tables.setdefault(line.strip("[]"), Rules())
            continue
        if current is None:
            raise ValueError(f"rule outside a context: {line}")
        rule_id, op, *rest = line.split()
        if op == "absent":
            _add_absent(syntax, current, rule_id, rest[0])
        elif op in ("max", "exactly"):
            limit, path = int(rest[0]), syntax.steps(rest[1])
            current.checks.append((rule_id, _counter(path, limit, op == "exactly")))
        else:
            raise ValueError(f"unknown operation {op!r} in: {line}")
    for context, checks in (extra or {}).items():
        rules = tables.setdefault(context, Rules())
        rules.checks.extend(checks.items())
    for rules in tables.values():
        if rules.descendant:
            union = " | ".join(path.path for _, path in rules.descendant)
            rules.any_descendant = etree.XPath(union, namespaces=syntax.namespaces)
    return tables


def _counter(steps: list[tuple[str, ...]], limit: int, exact: bool) -> Holds:
    if exact:
        return lambda el: count(el, steps) == limit
    return lambda el: count(el, steps) <= limit


def _add_absent(syntax: Syntax, rules: Rules, rule_id: str, path: str) -> None:
    if path.startswith("//"):
        if "LINE" in path:
            raise ValueError(f"unsupported descendant path: {path}")
        rules.descendant.append((rule_id, etree.XPath(path, namespaces=syntax.namespaces)))
        return
    nodes = [rules.trie]
    steps = syntax.steps(path)
    for index, step in enumerate(steps):
        last = index == len(steps) - 1
        if step[0] == "@":
            if not last:
                raise ValueError(f"attribute not last in {path}")
            for node in nodes:
                node.attrs.setdefault(step[1], []).append(rule_id)
            return
        following = []
        for node in nodes:
            for tag in step:
                child = node.children.setdefault(tag, _Trie())
                if last:
                    child.ids.append(rule_id)
                following.append(child)
        nodes = following


@dataclass(slots=True)
class Context:
    """Where a rule applies: `path` as the stylesheet's context says it, in the table
    notation (absolute `/a/b`, relative `a/b`, or `*Suffix` for any element whose name ends
    so), and a predicate for the rest of the context (None: nothing more)."""

    name: str
    path: str  # alternatives separated by " | "
    where: Holds | None = None
    # compiled: one (tags, ancestors' tags nearest first, absolute) per alternative
    alternatives: list[tuple[tuple[str, ...], tuple[tuple[str, ...], ...], bool]] = field(
        default_factory=list
    )
    suffix: str = ""

    def compile(self, syntax: Syntax) -> None:
        for path in self.path.split(" | "):
            path = path.strip()
            if path.startswith("*"):
                self.suffix = path[1:]
                continue
            absolute = path.startswith("/") and not path.startswith("//")
            steps = [syntax.steps(step)[0] for step in path.lstrip("/").split("/")]
            self.alternatives.append((steps[-1], tuple(reversed(steps[:-1])), absolute))

    def accepts_tag(self, tag: str) -> bool:
        if self.suffix and etree.QName(tag).localname.endswith(self.suffix):
            return True
        return any(tag in tags for tags, _, _ in self.alternatives)

    def matches(self, el: _El) -> bool:
        if not self._path_matches(el):
            return False
        return self.where is None or self.where(el)

    def _path_matches(self, el: _El) -> bool:
        tag = el.tag
        if self.suffix and etree.QName(tag).localname.endswith(self.suffix):
            return True
        for tags, chain, absolute in self.alternatives:
            if tag not in tags:
                continue
            node: _El | None = el
            for ancestor_tags in chain:
                node = node.getparent() if node is not None else None
                if node is None or node.tag not in ancestor_tags:
                    break
            else:
                if not absolute or (node is not None and node.getparent() is None):
                    return True
        return False


class Pattern:
    """An ordered list of contexts (the stylesheet's priority order) with their rules."""

    def __init__(self, syntax: Syntax, contexts: list[Context], rules: dict[str, Rules]) -> None:
        unknown = set(rules) - {c.name for c in contexts}
        if unknown:
            raise ValueError(f"rules for unknown contexts: {sorted(unknown)}")
        for context in contexts:
            context.compile(syntax)
        self.contexts = [(c, rules[c.name]) for c in contexts if c.name in rules]
        self._by_tag: dict[str, list[tuple[Context, Rules]]] = {}

    def candidates(self, tag: str) -> list[tuple[Context, Rules]]:
        found = self._by_tag.get(tag)
        if found is None:
            found = [(c, r) for c, r in self.contexts if c.accepts_tag(tag)]
            self._by_tag[tag] = found
        return found

    def ids(self) -> set[str]:
        return set().union(*(rules.ids() for _, rules in self.contexts))


def walk(root: _El, patterns: Sequence[Pattern]) -> Iterator[tuple[str, _El]]:
    """(rule id, element) for every assertion of every pattern that fails, in one walk."""
    cache: dict[object, list[list[tuple[Context, Rules]]]] = {}
    for el in root.iter(etree.Element):
        tag = el.tag
        groups = cache.get(tag)
        if groups is None:
            groups = [found for p in patterns if (found := p.candidates(tag))]
            cache[tag] = groups
        for candidates in groups:
            for context, rules in candidates:
                if context.matches(el):
                    for rule_id in rules.failing(el):
                        yield rule_id, el
                    break
