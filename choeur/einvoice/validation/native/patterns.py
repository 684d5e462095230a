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

from collections.abc import Callable, Sequence
from contextvars import ContextVar
from dataclasses import dataclass, field

from lxml import etree

from choeur.einvoice.validation.native.tree import children

_El = etree._Element
Holds = Callable[[_El], bool]


@dataclass(slots=True)
class _Trie:
    """One step of the paths of a context: the rules that fail when a node is reached
    (`absent`) and the counts that end here (`max`, `exactly`)."""

    children: dict[str, _Trie] = field(default_factory=dict)
    attrs: dict[str, _Trie] = field(default_factory=dict)
    ids: list[str] = field(default_factory=list)
    counts: list[tuple[str, int, bool]] = field(default_factory=list)  # (id, limit, exact)


@dataclass(slots=True)
class Rules:
    """The assertions of one context: its paths (absent / counted, as one trie walked once
    over the context's children) and predicates."""

    trie: _Trie = field(default_factory=_Trie)
    checks: list[tuple[str, Holds]] = field(default_factory=list)
    counted: list[_Trie] = field(default_factory=list)  # the trie nodes that carry counts
    any_attribute: dict[str, list[str]] = field(default_factory=dict)  # name -> rule ids
    attribute_allowed_on: dict[str, frozenset[str]] = field(default_factory=dict)
    # absent paths that apply only on some tag paths: (test on the context's tag path, trie)
    conditional: list[tuple[Callable[[tuple[object, ...]], bool], _Trie]] = field(
        default_factory=list
    )

    def ids(self) -> set[str]:
        found: set[str] = set()
        stack = [self.trie, *(trie for _, trie in self.conditional)]
        while stack:
            node = stack.pop()
            found.update(node.ids)
            found.update(rule_id for rule_id, _, _ in node.counts)
            stack.extend(node.children.values())
            stack.extend(node.attrs.values())
        found.update(rule_id for rule_id, _ in self.checks)
        for ids in self.any_attribute.values():
            found.update(ids)
        return found

    def failing(self, el: _El) -> list[str]:
        """The ids of the rules that do not hold on a context element."""
        found: list[str] = []
        trie = self.trie
        if trie.children or trie.attrs:
            tally: dict[int, int] | None = {} if self.counted else None
            _trie_hits(el, trie, found, tally)
            if tally is not None:
                for node in self.counted:
                    reached = tally.get(id(node), 0)
                    for rule_id, limit, exact in node.counts:
                        if (reached != limit) if exact else (reached > limit):
                            found.append(rule_id)
        if self.any_attribute:
            for name in el.keys():  # noqa: SIM118 (attribute names, not children)
                ids = self.any_attribute.get(str(name))
                if ids:
                    allowed = self.attribute_allowed_on.get(str(name))
                    if allowed is None or el.tag not in allowed:
                        found.extend(ids)
        for rule_id, holds in self.checks:
            if not holds(el):
                found.append(rule_id)
        return found


def _trie_hits(el: _El, trie: _Trie, found: list[str], tally: dict[int, int] | None) -> None:
    if trie.attrs:
        for name, leaf in trie.attrs.items():
            if el.get(name) is not None:
                if leaf.ids:
                    found.extend(leaf.ids)
                if leaf.counts and tally is not None:
                    tally[id(leaf)] = tally.get(id(leaf), 0) + 1
    steps = trie.children
    if not steps:
        return
    for child in children(el):
        node = steps.get(child.tag)
        if node is not None:
            if node.ids:
                found.extend(node.ids)
            if node.counts and tally is not None:
                tally[id(node)] = tally.get(id(node), 0) + 1
            if node.children or node.attrs:
                _trie_hits(child, node, found, tally)


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
        self._steps: dict[str, tuple[tuple[str, ...], ...]] = {}

    def clark(self, name: str) -> str:
        prefix, _, local = name.partition(":")
        return f"{{{self.namespaces[prefix]}}}{local}"

    def steps(self, path: str) -> tuple[tuple[str, ...], ...]:
        """'cac:A/cbc:B/@x' -> ((A,), (B,), ('@', 'x')); 'LINE' -> both line tags (each
        path compiled once)."""
        found = self._steps.get(path)
        if found is None:
            found = self._steps[path] = tuple(self._compile(path))
        return found

    def _compile(self, path: str) -> list[tuple[str, ...]]:
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
        if op == "absent" and len(rest) == 3:
            # `ID absent path unless-under a:Tag` / `unless-self a:Tag`: the rule holds on the
            # tag paths the condition names (a test on the path, made once per path)
            condition = _path_condition(syntax, rest[1], rest[2])
            trie = _Trie()
            current.conditional.append((condition, trie))
            for node in _nodes_of(syntax, Rules(trie=trie), rest[0]):
                node.ids.append(rule_id)
        elif op == "absent":
            for node in _nodes_of(syntax, current, rest[0]):
                node.ids.append(rule_id)
        elif op in ("max", "exactly"):
            for node in _nodes_of(syntax, current, rest[1]):
                node.counts.append((rule_id, int(rest[0]), op == "exactly"))
                if node not in current.counted:
                    current.counted.append(node)
        else:
            raise ValueError(f"unknown operation {op!r} in: {line}")
    for context, checks in (extra or {}).items():
        rules = tables.setdefault(context, Rules())
        rules.checks.extend(checks.items())
    return tables


def _path_condition(syntax: Syntax, kind: str, name: str) -> Callable[[tuple[object, ...]], bool]:
    """The paths an `unless-...` absent rule applies on (True: the rule applies)."""
    tag = syntax.clark(name)
    if kind == "unless-under":
        return lambda path: tag not in path[:-1]
    if kind == "unless-self":
        return lambda path: path[-1] != tag
    raise ValueError(f"unknown condition {kind!r}")


def _nodes_of(syntax: Syntax, rules: Rules, path: str) -> list[_Trie]:
    """The trie nodes a path ends at (several for LINE), created as needed."""
    if path.startswith("//"):
        raise ValueError(f"a path anywhere in the document belongs to `anywhere`: {path}")
    nodes = [rules.trie]
    steps = syntax.steps(path)
    for index, step in enumerate(steps):
        if step[0] == "@":
            if index != len(steps) - 1:
                raise ValueError(f"attribute not last in {path}")
            return [node.attrs.setdefault(step[1], _Trie()) for node in nodes]
        nodes = [node.children.setdefault(tag, _Trie()) for node in nodes for tag in step]
    return nodes


@dataclass(slots=True)
class Context:
    """Where a rule applies: `path` as the stylesheet's context says it, in the table
    notation (absolute `/a/b`, relative `a/b`, or `*Suffix` for any element whose name ends
    so), and a predicate for the rest of the context (None: nothing more)."""

    name: str
    path: str  # alternatives separated by " | "
    where: Holds | None = None
    tag_test: Callable[[str], bool] | None = None  # a predicate on the tag alone (decided once)
    # compiled: one (tags, ancestors' tags nearest first, absolute) per alternative
    alternatives: list[tuple[tuple[str, ...], tuple[tuple[str, ...], ...], bool]] = field(
        default_factory=list
    )
    suffix: str = ""
    any_name: bool = False  # "*": every element
    simple: bool = False  # a bare tag test: no ancestors, no predicate
    parents: frozenset[str] | None = None  # the parent tags it needs (None: any parent)

    def compile(self, syntax: Syntax) -> None:
        for path in self.path.split(" | "):
            path = path.strip()
            if path == "*":
                self.any_name = True
                continue
            if path.startswith("*"):
                self.suffix = path[1:]
                continue
            absolute = path.startswith("/") and not path.startswith("//")
            steps = [syntax.steps(step)[0] for step in path.lstrip("/").split("/")]
            self.alternatives.append((steps[-1], tuple(reversed(steps[:-1])), absolute))
        self.simple = self.where is None and (
            self.any_name
            or all(not chain and not absolute for _, chain, absolute in self.alternatives)
        )
        if (
            self.alternatives
            and not self.any_name
            and not self.suffix
            and all(chain for _, chain, _ in self.alternatives)
        ):
            self.parents = frozenset(t for _, chain, _ in self.alternatives for t in chain[0])

    def accepts_tag(self, tag: str) -> bool:
        if self.tag_test is not None and not self.tag_test(tag):
            return False
        if self.any_name:
            return True
        if self.suffix and etree.QName(tag).localname.endswith(self.suffix):
            return True
        return any(tag in tags for tags, _, _ in self.alternatives)

    def certain_with_parent(self, tag: str) -> bool:
        """Whether the tag and the parent's tag (checked against `parents`) prove the
        context: no predicate, and an alternative of this tag with at most a parent step."""
        if self.where is not None:
            return False
        if self.any_name or (self.suffix and etree.QName(tag).localname.endswith(self.suffix)):
            return True
        return any(
            tag in tags and len(chain) <= 1 and not absolute
            for tags, chain, absolute in self.alternatives
        )

    def path_matches(self, tag: object, ancestors: list[object]) -> bool:
        """Whether an element of this tag, under these ancestors' tags (root first), is on
        the context's path (its predicate aside)."""
        if self.any_name or (self.suffix and not self.alternatives):
            return True  # the name test was passed when the tag became a candidate
        if self.suffix and etree.QName(tag).localname.endswith(self.suffix):  # type: ignore[arg-type]
            return True
        depth = len(ancestors)
        for tags, chain, absolute in self.alternatives:
            if tag not in tags or len(chain) > depth:
                continue
            if absolute and len(chain) != depth:
                continue
            if all(ancestors[depth - 1 - i] in step for i, step in enumerate(chain)):
                return True
        return False

    def matches(self, el: _El) -> bool:
        """Whether the element is in this context (its tag is known to be accepted)."""
        if self.simple:
            return True
        if not self._path_matches(el):
            return False
        return self.where is None or self.where(el)

    def _path_matches(self, el: _El) -> bool:
        if self.any_name:
            return True
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
    """An ordered list of contexts (the stylesheet's priority order) with their rules.

    With `first_match=False` every matching context applies (no shadowing): the rules of
    `anywhere`, which the stylesheet asserts on the document, are checked so."""

    def __init__(
        self,
        syntax: Syntax,
        contexts: list[Context],
        rules: dict[str, Rules],
        *,
        first_match: bool = True,
    ) -> None:
        self.first_match = first_match
        # rules on attributes met anywhere (`@name`), checked on every element by `walk`
        self.attributes: Rules | None = None
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
            if len(self._by_tag) >= _REMEMBERED_TAGS:
                self._by_tag.clear()  # names no schema knows, one document after another
            self._by_tag[tag] = found
        return found

    def ids(self) -> set[str]:
        found = set().union(*(rules.ids() for _, rules in self.contexts))
        if self.attributes is not None:
            found |= self.attributes.ids()
        return found

    @classmethod
    def anywhere(
        cls,
        syntax: Syntax,
        text: str,
        extra: Sequence[tuple[str, Context]] = (),
        attributes_allowed_on: dict[str, tuple[str, ...]] | None = None,
    ) -> Pattern:
        """Rules the stylesheet asserts on the document as `not(//path)`, checked where
        they apply: each `ID absent path` line becomes a context (the path without its
        last attribute step) that fails when met; `@name` alone, any element with that
        attribute. `extra`: (rule id, context) that fails whenever it matches."""
        contexts: list[Context] = []
        rules: dict[str, Rules] = {}
        attributes = Rules()
        for name, tags in (attributes_allowed_on or {}).items():
            attributes.attribute_allowed_on[name] = frozenset(syntax.clark(t) for t in tags)
        for raw in text.splitlines():
            line = raw.split("#", 1)[0].strip()
            if not line:
                continue
            rule_id, op, path = line.split()
            if op != "absent":
                raise ValueError(f"anywhere: only absent paths: {line}")
            if path.startswith("@"):
                attributes.any_attribute.setdefault(path[1:], []).append(rule_id)
                continue
            element, _, attribute = path.partition("/@")
            name = f"{rule_id}:{path}"
            contexts.append(Context(name, element))
            holds = _attribute_absent(attribute) if attribute else _never
            rules[name] = Rules(checks=[(rule_id, holds)])
        for rule_id, context in extra:
            contexts.append(context)
            rules[context.name] = Rules(checks=[(rule_id, _never)])
        pattern = cls(syntax, contexts, rules, first_match=False)
        if attributes.any_attribute:
            pattern.attributes = attributes
        return pattern


def _never(el: _El) -> bool:
    return False


def _attribute_absent(name: str) -> Holds:
    return lambda el: el.get(name) is None


_MEMO: ContextVar[dict[str, object]] = ContextVar("native_walk_memo")


def memo() -> dict[str, object]:
    """What the checks of the current walk compute once per document."""
    return _MEMO.get()


# Per tag path from the root, pattern by pattern: the contexts an element of that path is in,
# each with `True` when the path alone proves it (no predicate left to test).
_Candidates = list[tuple[bool, list[tuple[Context, Rules, bool]]]]
# (trie node, depth of the context element that owns it, attribute steps only)
_Step = tuple[_Trie, int, bool]


class _Path:
    """A tag path from the root (the paths met form a tree, like the documents), with what
    an element of that path must do, worked out once: its contexts, the trie nodes of its
    ancestors' contexts it reaches (`todo`) and the ones its children go on with (`onward`),
    and its own contexts that count (`counted`)."""

    __slots__ = ("candidates", "children", "counted", "onward", "tags", "todo")

    def __init__(self, tags: tuple[object, ...]) -> None:
        self.tags = tags
        self.children: dict[object, _Path] = {}
        self.candidates: _Candidates = []
        self.todo: list[_Step] = []
        self.onward: list[tuple[_Trie, int]] = []
        self.counted: list[Rules] = []

    def child(self, tag: object, patterns: Sequence[Pattern]) -> _Path:
        path = _Path((*self.tags, tag))
        depth = len(self.tags)
        for node, owner in self.onward:
            reached = node.children.get(tag)  # type: ignore[call-overload]
            if reached is None:
                continue
            if reached.ids or reached.counts or reached.attrs:
                path.todo.append((reached, owner, False))
            if reached.children:
                path.onward.append((reached, owner))
        path.candidates = _resolve(patterns, path.tags)
        for first_match, contexts in path.candidates:
            uncertain = False
            for _context, rules, certain in contexts:
                tries = [rules.trie]
                tries += [trie for applies, trie in rules.conditional if applies(path.tags)]
                for trie in tries:
                    if not (trie.children or trie.attrs):
                        continue
                    if not certain or uncertain:
                        # what the children check would depend on a predicate: the tables
                        # keep counts and absent paths out of predicated contexts
                        raise ValueError(f"paths under a predicated context: {path.tags}")
                    if trie.attrs:
                        path.todo.append((trie, depth, True))
                    if trie.children:
                        path.onward.append((trie, depth))
                if rules.counted:
                    path.counted.append(rules)
                uncertain = uncertain or not certain
                if certain and first_match:
                    break
        self.children[tag] = path
        _learnt[0] += 1
        return path


_PATHS: dict[tuple[int, ...], _Path] = {}
# The tag paths learnt stay for the next documents, but not without bound: documents made of
# ever new names (hostile, or only unusual) would grow the tables with every request. Past
# the limit everything learnt is forgotten and learnt again (a few documents' cost).
_REMEMBERED_PATHS = 50_000
_REMEMBERED_TAGS = 20_000
_learnt = [0]


def walk(root: _El, patterns: Sequence[Pattern]) -> list[tuple[str, _El]]:
    """(rule id, element) for every assertion of every pattern that fails, in one walk.

    Which contexts an element is in, and which of the contexts' paths (`absent` and counted
    rules) it lies on, depend on its tag path only: that is worked out once per distinct
    path and remembered for every later document, so an element costs a dictionary lookup
    plus its own checks. A context's counts are settled when its element's subtree is done."""
    key = tuple(id(p) for p in patterns)
    if _learnt[0] > _REMEMBERED_PATHS:
        _PATHS.clear()
        _learnt[0] = 0
    paths = _PATHS.get(key)
    if paths is None:
        paths = _PATHS[key] = _Path(())
    attribute_rules = [p.attributes for p in patterns if p.attributes is not None]
    fired: list[tuple[str, _El]] = []
    token = _MEMO.set({})
    try:
        _Walker(patterns, attribute_rules, fired).visit(root, root.tag, paths)
    finally:
        _MEMO.reset(token)
    return fired


class _Walker:
    __slots__ = ("attribute_rules", "fired", "patterns", "tallies")

    def __init__(
        self,
        patterns: Sequence[Pattern],
        attribute_rules: list[Rules],
        fired: list[tuple[str, _El]],
    ) -> None:
        self.patterns = patterns
        self.attribute_rules = attribute_rules
        self.fired = fired
        self.tallies: list[dict[int, int] | None] = []  # by depth of the counting element

    def visit(self, el: _El, tag: str, parent: _Path) -> None:
        fired = self.fired
        path = parent.children.get(tag)
        if path is None:
            path = parent.child(tag, self.patterns)
        if path.todo:
            tallies = self.tallies
            for node, owner, attributes_only in path.todo:
                if not attributes_only:
                    if node.ids:
                        fired.extend((rule_id, el) for rule_id in node.ids)
                    if node.counts:
                        tally = tallies[owner]
                        if tally is not None:
                            tally[id(node)] = tally.get(id(node), 0) + 1
                if node.attrs:
                    for name, leaf in node.attrs.items():
                        if el.get(name) is not None:
                            if leaf.ids:
                                fired.extend((rule_id, el) for rule_id in leaf.ids)
                            if leaf.counts:
                                tally = tallies[owner]
                                if tally is not None:
                                    tally[id(leaf)] = tally.get(id(leaf), 0) + 1
        if self.attribute_rules:
            keys = el.keys()
            if keys:
                for rules in self.attribute_rules:
                    forbidden = rules.any_attribute
                    for key in keys:
                        ids = forbidden.get(str(key))
                        if ids:
                            allowed = rules.attribute_allowed_on.get(str(key))
                            if allowed is None or tag not in allowed:
                                fired.extend((rule_id, el) for rule_id in ids)
        for first_match, contexts in path.candidates:
            for context, rules, certain in contexts:
                if certain or context.where(el):  # type: ignore[misc]
                    for rule_id, holds in rules.checks:
                        if not holds(el):
                            fired.append((rule_id, el))
                    if rules.any_attribute:
                        fired.extend((rule_id, el) for rule_id in rules.failing(el))
                    if first_match:
                        break
        counted = path.counted
        if counted:
            depth = len(path.tags) - 1
            tallies = self.tallies
            while len(tallies) <= depth:
                tallies.append(None)
            mine: dict[int, int] = {}
            tallies[depth] = mine
        if len(el):
            visit = self.visit
            for child in children(el):
                child_tag = child.tag
                if type(child_tag) is str:  # not a comment nor a processing instruction
                    visit(child, child_tag, path)
        if counted:
            for rules in counted:
                for node in rules.counted:
                    reached = mine.get(id(node), 0)
                    for rule_id, limit, exact in node.counts:
                        if (reached != limit) if exact else (reached > limit):
                            fired.append((rule_id, el))


def _resolve(patterns: Sequence[Pattern], path: tuple[object, ...]) -> _Candidates:
    """The contexts of an element of this tag path (root first), pattern by pattern, each
    with whether its predicate remains to be tested; in a first-match pattern nothing after
    a context that surely matches can be reached."""
    tag = path[-1]
    ancestors = list(path[:-1])
    found: _Candidates = []
    for pattern in patterns:
        contexts: list[tuple[Context, Rules, bool]] = []
        for context, rules in pattern.candidates(tag):  # type: ignore[arg-type]
            if not context.path_matches(tag, ancestors):
                continue
            certain = context.where is None
            contexts.append((context, rules, certain))
            if certain and pattern.first_match:
                break
        if contexts:
            found.append((pattern.first_match, contexts))
    return found
