"""The binding tables compiled to Python functions, once per table and process.

`_binding` turns a `Table` into a plan (a trie of Clark tags and the terms in the order they
are evaluated) and a writer tree (the elements in XSD order). Walking those structures for every
element of a 10,000-line invoice costs more than the work itself, so each table is compiled
here into the straight-line function a careful hand would write: one `for` over the children
that the table names per level, a local variable per term, the model built with keywords, and
for writing one `out.append` per element with the indentation of lxml's `pretty_print`. The
generated source is kept (`source_of`) for reading and debugging; it holds no value of any
document, only the table.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from choeur.einvoice.readers._common import missing

if TYPE_CHECKING:
    from choeur.einvoice.readers._binding import Table

_SOURCES: dict[int, str] = {}
INDENTS = tuple("  " * depth for depth in range(256))


def source_of(function: Callable[..., Any]) -> str:
    """The generated source of a compiled reader or writer."""
    return _SOURCES[id(function)]


class _Source:
    def __init__(self) -> None:
        self.lines: list[str] = []
        self.names: dict[str, Any] = {}

    def emit(self, indent: int, line: str) -> None:
        self.lines.append("    " * indent + line)

    def const(self, value: Any, prefix: str = "K") -> str:
        name = f"{prefix}{len(self.names)}"
        self.names[name] = value
        return name

    def build(self, name: str) -> Callable[..., Any]:
        source = "\n".join(self.lines) + "\n"
        namespace: dict[str, Any] = dict(self.names)
        exec(compile(source, f"<binding {name}>", "exec"), namespace)  # noqa: S102
        function: Callable[..., Any] = namespace[name]
        _SOURCES[id(function)] = source
        return function


# --- reading ------------------------------------------------------------------------------------


def compile_reader(table: Table) -> Callable[[Any, str], Any]:
    from choeur.einvoice.readers._binding import (
        DECIMAL,
        ISO_DATE,
        TEXT,
        Attr,
        Code,
        _bt,
        _Node,
        _Slot,
    )

    plan = table.plan()
    src = _Source()
    src.names.update(_D=Decimal, _missing=missing, _bt=_bt, _iso=date.fromisoformat)
    src.emit(0, "def read(el, where):")
    for index in range(plan.size):
        src.emit(1, f"s{index} = None")
    for index, many in plan.self_slots:
        src.emit(1, f"s{index} = [el]" if many else f"s{index} = el")

    def walk(trie: dict[object, _Node], parent: str, level: int, depth: int) -> None:
        child = f"c{depth}"
        codes = {tag: position for position, tag in enumerate(trie)}
        lookup = src.const(codes)
        src.emit(level, f"for {child} in {parent}:")
        src.emit(level + 1, f"k = {lookup}.get({child}.tag)")
        src.emit(level + 1, "if k is None:")
        src.emit(level + 2, "continue")
        for position, node in enumerate(trie.values()):
            src.emit(level + 1, f"{'if' if position == 0 else 'elif'} k == {position}:")
            body = False
            for index in node.single:
                src.emit(level + 2, f"if s{index} is None:")
                src.emit(level + 3, f"s{index} = {child}")
                body = True
            for index in node.many:
                src.emit(level + 2, f"if s{index} is None:")
                src.emit(level + 3, f"s{index} = [{child}]")
                src.emit(level + 2, "else:")
                src.emit(level + 3, f"s{index}.append({child})")
                body = True
            if node.children is not None:
                walk(node.children, child, level + 2, depth + 1)
                body = True
            if not body:
                src.emit(level + 2, "pass")

    if plan.trie:
        walk(plan.trie, "el", 1, 0)

    variables: dict[str, str] = {}  # attribute -> local variable

    def var(attr_: str) -> str:
        if attr_ not in variables:
            variables[attr_] = f"v{len(variables)}"
            src.emit(1, f"{variables[attr_]} = None")
        return variables[attr_]

    def where_of(bt: str) -> str:
        if "|" in bt:
            allowance, _, charge = bt.partition("|")
            flag = variables.get("is_charge", "False")
            bt_expr = f"({charge!r} if {flag} else {allowance!r})"
        else:
            bt_expr = repr(bt)
        if not bt:
            return "where"
        return f"({bt_expr} + ', ' + where if where else {bt_expr})"

    def convert(slot: _Slot, element: str, target: str, level: int) -> None:
        """`target = <the value of element>` for one term."""
        term = slot.term
        codec = slot.codec
        if term.table is not None:
            reader = src.const(term.table.reader(), "R")
            src.emit(level, f"{target} = {reader}({element}, where)")
        elif codec is TEXT:
            src.emit(level, f"x = {element}.text")
            src.emit(level, f"{target} = (x.strip() or None) if x is not None else None")
        elif isinstance(codec, Attr):
            src.emit(level, f"x = {element}.get({codec.name!r})")
            src.emit(level, f"{target} = (x.strip() or None) if x is not None else None")
        elif codec is DECIMAL:
            name = src.const(codec, "C")
            src.emit(level, f"x = {element}.text")
            src.emit(level, "try:")
            src.emit(level + 1, f"{target} = _D(x)")
            src.emit(level + 1, f"if not {target}.is_finite():")
            src.emit(level + 2, "raise ValueError")
            src.emit(level, "except Exception:")
            src.emit(level + 1, f"{target} = {name}.read({element}, {where_of(term.bt)})")
        elif isinstance(codec, Code):
            # The member of a code already seen, from the codec's cache; else the codec.
            name = src.const(codec, "C")
            cache = src.const(codec._cache, "K")
            src.emit(level, f"x = {element}.text")
            src.emit(level, f"{target} = {cache}.get(x) if x is not None else None")
            src.emit(level, f"if {target} is None:")
            src.emit(level + 1, f"{target} = {name}.read({element}, {where_of(term.bt)})")
        elif codec is ISO_DATE:
            # A plain date read in place; anything else (blank, a time zone) by the codec.
            name = src.const(codec, "C")
            src.emit(level, "try:")
            src.emit(level + 1, f"{target} = _iso({element}.text)")
            src.emit(level, "except Exception:")
            src.emit(level + 1, f"{target} = {name}.read({element}, {where_of(term.bt)})")
        else:
            name = src.const(codec, "C")
            src.emit(level, f"{target} = {name}.read({element}, {where_of(term.bt)})")

    for step in plan.steps:
        if not isinstance(step, _Slot):
            custom, indexes = step
            name = src.const(custom, "X")
            uses = ", ".join(f"{key!r}: {var(key)}" for key in custom.uses)
            lists = ", ".join(f"s{i} or []" for i in indexes)
            level = 1
            targets = [var(key) for key in custom.sets]
            if custom.none_when_absent and indexes:
                src.emit(1, f"if {' or '.join(f's{i} is not None' for i in indexes)}:")
                level = 2
            src.emit(level, f"cv = {{{uses}}}")
            src.emit(level, f"{name}.read(cv, [{lists}], where)")
            for key, target in zip(custom.sets, targets, strict=True):
                src.emit(level, f"{target} = cv.get({key!r}, {target})")
            continue
        term = step.term
        assert term.attr is not None
        target = var(term.attr)
        element = f"s{step.index}"
        if term.many:
            src.emit(1, f"{target} = []")
            src.emit(1, f"if {element} is not None:")
            src.emit(2, f"for e in {element}:")
            convert(step, "e", "y", 3)
            src.emit(3, "if y is not None:")
            src.emit(4, f"{target}.append(y)")
        else:
            src.emit(1, f"if {element} is not None:")
            convert(step, element, target, 2)
            if term.default is not None:
                src.emit(1, f"if {target} is None:")
                src.emit(2, f"{target} = {src.const(term.default)}")
        if term.required is not None:
            src.emit(1, f"if {target} is None:")
            bt = term.bt
            if "|" in bt:
                bt_expr = f"_bt({bt!r}, {{'is_charge': {variables.get('is_charge', 'False')}}})"
            else:
                bt_expr = repr(bt)
            src.emit(2, f"raise _missing({bt_expr}, {term.required[0]!r}, {term.required[1]!r})")
        if term.attr == table.where_from:
            src.emit(1, f"if {target} is not None:")
            src.emit(2, f"where = {table.where_label!r} + ' ' + {target}")

    # The pivot's groups, then the result.
    top: dict[str, str] = {}
    nested: dict[str, dict[str, str]] = {}
    for attr_, variable in variables.items():
        prefix, _, name = attr_.rpartition(".")
        if prefix:
            nested.setdefault(prefix, {})[name] = variable
        elif table.finish is not None or not name.startswith("_"):
            top[name] = variable
    for prefix, model in table.nested.items():
        members = nested.get(prefix, {})
        model_name = src.const(model, "M")
        call = f"{model_name}({_arguments(model, members)})"
        variable = f"n_{prefix}"
        if prefix in table.optional and members:
            present = " or ".join(f"{v} is not None" for v in members.values())
            src.emit(1, f"{variable} = {call} if ({present}) else None")
        else:
            src.emit(1, f"{variable} = {call}")
        top[prefix] = variable
    if table.finish is not None:
        finish = src.const(table.finish, "F")
        items = ", ".join(f"{k!r}: {v}" for k, v in top.items())
        src.emit(1, f"return {finish}({{{items}}})")
    else:
        assert table.model is not None
        model_name = src.const(table.model, "M")
        src.emit(1, f"return {model_name}({_arguments(table.model, top)})")
    return src.build("read")


def _arguments(model: type, values: dict[str, str]) -> str:
    """The arguments of the call that builds `model` from `values` (attribute -> local):
    positional in the order of the dataclass's fields as long as each one is given (a call with
    keywords costs about three times as much), keywords for the rest."""
    if not dataclasses.is_dataclass(model):
        return ", ".join(f"{k}={v}" for k, v in values.items())
    names = [f.name for f in dataclasses.fields(model) if f.init and not f.kw_only]
    positional: list[str] = []
    for name in names:
        if name not in values:
            break
        positional.append(values[name])
    keywords = [f"{k}={v}" for k, v in values.items() if k not in names[: len(positional)]]
    return ", ".join([*positional, *keywords])


# --- writing ------------------------------------------------------------------------------------


def compile_writer(table: Table) -> Callable[[Any, dict[Any, Any], list[str], int], int]:
    from choeur.einvoice.readers._binding import (
        DATE_102,
        DECIMAL,
        INDICATOR,
        ISO_DATE,
        TEXT,
        Code,
        _WCustom,
        _WElem,
        _WGroup,
        _WLeaf,
        _WMany,
        _WNode,
        attributes,
        escape_attribute,
        escape_text,
        getter,
    )

    nodes = table.writer()
    src = _Source()
    # The constant pieces (an indentation and a tag) joined once per depth, not per element:
    # `q[n]` is the n-th piece at the call's depth (`_pieces`).
    pieces: list[tuple[tuple[int, str], ...]] = []
    cache: dict[int, tuple[str, ...]] = {}
    src.names.update(
        _esc=escape_text,
        _attributes=attributes,
        _IND=INDENTS,
        _context_attributes=_context_attributes,
        _esc_attr=escape_attribute,
        _Dec=Decimal,
        _QC=cache,
        _QB=lambda depth: _pieces(cache, pieces, depth),
    )
    src.emit(0, "def write(obj, ctx, out, depth):")
    src.emit(1, "w0 = 0")
    src.emit(1, "q = _QC.get(depth)")
    src.emit(1, "if q is None:")
    src.emit(2, "q = _QB(depth)")
    counter = [0]

    def piece(indent: str, text: str) -> str:
        """`q[n]`: the indentation `indent` (a local i<k>) followed by `text`."""
        return lines_piece([(int(indent[1:]), text)])

    def lines_piece(lines: list[tuple[int, str]]) -> str:
        """`q[n]`: lines of text, each after the indentation of its offset."""
        pieces.append(tuple(lines))
        return f"q[{len(pieces) - 1}]"

    def constants_only(node: _WElem, here: int) -> list[tuple[int, str]] | None:
        """The lines of an element that holds only constants of the syntax (written whole,
        cac:TaxScheme with its cbc:ID = VAT), None when it holds anything else."""
        if node.keep:
            return None
        lines = [(here, f"<{node.tag}>" + chr(10))]
        for child in node.children:
            if isinstance(child, _WLeaf) and child.const is not None and not child.attrs:
                lines.append((here + 1, f"<{child.tag}>{escape_text(child.const)}</{child.tag}>\n"))
            elif isinstance(child, _WElem):
                inner = constants_only(child, here + 1)
                if inner is None:
                    return None
                lines += inner
            else:
                return None
        lines.append((here, f"</{node.tag}>" + chr(10)))
        return lines

    def depth_of(nodes_: list[_WNode], here: int = 0) -> int:
        deepest = here
        for node in nodes_:
            if isinstance(node, _WElem):
                deepest = max(deepest, depth_of(node.children, here + 1))
        return deepest

    for level in range(depth_of(nodes) + 4):
        src.emit(1, f"i{level} = _IND[depth + {level}]")
    context_names: dict[tuple[tuple[str, str], ...], str] = {}

    def context_name(pairs: tuple[tuple[str, str], ...]) -> str:
        """A local holding the attributes that `pairs` take from the context (per call)."""
        if pairs not in context_names:
            name = f"ca{len(context_names)}"
            context_names[pairs] = name
            key = src.const(pairs, "P")
            src.lines.insert(
                prologue, f"    {name} = ctx.get({key}) or _context_attributes(ctx, {key})"
            )
        return context_names[pairs]

    prologue = len(src.lines)

    def get_expr(attr_: str) -> str:
        if "." not in attr_:
            return f"obj.{attr_}"
        return f"{src.const(getter(attr_), 'G')}(obj)"

    hoisted: dict[str, str] = {}  # nested group of the pivot -> local holding it

    def group_local(prefix: str) -> str:
        if prefix not in hoisted:
            hoisted[prefix] = f"o{len(hoisted)}"
            src.lines.insert(prologue, f"    {hoisted[prefix]} = obj.{prefix}")
        return hoisted[prefix]

    def get_into(level: int, attr_: str) -> None:
        """`v = obj.a.b`, None when a group on the way is absent."""
        first, *rest = attr_.split(".")
        if len(rest) == 1:
            group = group_local(first)
            src.emit(level, f"v = {group}.{rest[0]} if {group} is not None else None")
            return
        src.emit(level, f"v = obj.{first}")
        for name in rest:
            src.emit(level, "if v is not None:")
            src.emit(level + 1, f"v = v.{name}")

    def guard_of(element: Any) -> str | None:
        """A test that one of the element's values may be there (see `_guard`)."""
        attrs = _guard(element)
        if attrs is None:
            return None
        tests = []
        for attr_ in attrs:
            first, *rest = attr_.split(".")
            if len(rest) == 1:
                group = group_local(first)
                tests.append(f"({group} is not None and {group}.{rest[0]} is not None)")
            else:
                tests.append(f"obj.{first} is not None")
        return " or ".join(dict.fromkeys(tests))

    def context_attrs(pairs: tuple[tuple[str, str], ...]) -> str:
        """An expression for the attributes taken from the writing context."""
        items = ", ".join(f"({name!r}, ctx.get({key!r}))" for name, key in pairs)
        return f"_attributes(({items},))"

    def text_of(codec: Any, value: str, level: int) -> tuple[str, str] | None:
        """Emit `t = <text>` (and `a = <attributes>`) for `value`; None: generic codec."""
        if codec is TEXT:
            src.emit(level, f"t = {value} if {value}.__class__ is str else str({value})")
            return "t", ""
        if codec is DECIMAL:
            # str() is format(, 'f') for a Decimal unless it uses an exponent (1E+2, 1E-7).
            src.emit(
                level, f"t = str({value}) if {value}.__class__ is _Dec else format({value}, 'f')"
            )
            src.emit(level, "if 'E' in t:")
            src.emit(level + 1, f"t = format({value}, 'f')")
            return "t", ""
        if codec is ISO_DATE:
            src.emit(level, f"t = {value}.isoformat()")
            return "t", ""
        if codec is DATE_102:
            src.emit(level, f"t = {value}.strftime('%Y%m%d')")
            return "t", ' format="102"'
        if isinstance(codec, Code):
            src.emit(level, f"t = {value}.value")
            return "t", ""
        if codec is INDICATOR:
            src.emit(level, f"t = 'true' if {value} else 'false'")
            return "t", ""
        return None

    def emit_leaf(
        level: int,
        indent: str,
        tag: str,
        codec: Any,
        value: str,
        extra: list[str],
        result: str,
        context: tuple[tuple[str, str], ...] = (),
    ) -> None:
        """Write `<tag attrs>text</tag>` for `value` (not None) at `level` of the source."""
        simple = text_of(codec, value, level)
        suffix = f" + {context_name(context)}" if context else ""
        if simple is None:
            codec_name = src.const(codec, "C")
            src.emit(level, f"x = {codec_name}.write({value})")
            src.emit(level, "if x is not None:")
            pairs = " + ".join(
                [
                    "list(x[1])",
                    *(f"[({e[2:].split('=', 1)[0]!r}, {e[2:].split('=', 1)[1]})]" for e in extra),
                ]
            )
            src.emit(level + 1, f"a = _attributes({pairs}){suffix}")
            src.emit(
                level + 1,
                f"out.append({piece(indent, '<' + tag)} + a + '>' + _esc(x[0])"
                f" + {'</' + tag + '>' + chr(10)!r})",
            )
            src.emit(level + 1, f"{result} = 2")
            return
        _, fixed = simple
        if codec is TEXT:
            src.emit(level, "if t.strip():")
            level += 1
        attrs = "a + " if extra or context else ""
        if len(extra) == 1 and extra[0].startswith("A:"):
            # One attribute from the object (unitCode): no list, no join.
            name, expression = extra[0][2:].split("=", 1)
            src.emit(level, f"u = {expression}")
            src.emit(
                level,
                f"a = {fixed!r} + ((' {name}=\"' + _esc_attr(u) + '\"') "
                f"if u is not None and u.strip() else ''){suffix}",
            )
        elif extra:
            pairs = ", ".join(
                f"({e[2:].split('=', 1)[0]!r}, {e[2:].split('=', 1)[1]})" for e in extra
            )
            src.emit(level, f"a = {fixed!r} + _attributes([{pairs}]){suffix}")
        elif context:
            src.emit(level, f"a = {fixed!r}{suffix}")
        opening = "<" + tag + ("" if extra or context else fixed)
        if codec not in (DECIMAL, ISO_DATE, DATE_102, INDICATOR):
            # Most texts need no escaping: tested inline, the call made only when one does.
            src.emit(level, "if '&' in t or '<' in t or '>' in t or '\\r' in t:")
            src.emit(level + 1, "t = _esc(t)")
        head = f"{piece(indent, opening)} + a + '>'" if attrs else piece(indent, opening + ">")
        src.emit(level, f"out.append({head} + t + {'</' + tag + '>' + chr(10)!r})")
        src.emit(level, f"{result} = 2")

    def block(nodes_: list[_WNode], level: int, here: int, result: str) -> None:
        indent = f"i{here}"
        for node in nodes_:
            if isinstance(node, _WLeaf):
                if node.const is not None:
                    from choeur.einvoice.readers._binding import escape_text

                    text = f"<{node.tag}>{escape_text(node.const)}</{node.tag}>\n"
                    src.emit(level, f"out.append({piece(indent, text)})")
                    src.emit(level, f"if {result} == 0:")
                    src.emit(level + 1, f"{result} = 1")
                    continue
                assert node.get is not None
                get_into(level, _leaf_attr(node))
                src.emit(level, "if v is not None:")
                extra = []
                for name, get in node.attrs:
                    getter_name = src.const(get, "G")
                    extra.append(f"A:{name}={getter_name}(obj)")
                emit_leaf(
                    level + 1, indent, node.tag, node.codec, "v", extra, result, node.context_attrs
                )
            elif isinstance(node, _WElem) and (whole := constants_only(node, here)) is not None:
                src.emit(level, f"out.append({lines_piece(whole)})")
                src.emit(level, f"if {result} == 0:")
                src.emit(level + 1, f"{result} = 1")
            elif isinstance(node, _WElem):
                counter[0] += 1
                mark, inner = f"m{counter[0]}", f"w{counter[0]}"
                guard = guard_of(node) if not node.keep else None
                if guard:
                    src.emit(level, f"if {guard}:")
                    level += 1
                src.emit(level, f"{mark} = len(out)")
                src.emit(level, f"out.append({piece(indent, f'<{node.tag}>' + chr(10))})")
                src.emit(level, f"{inner} = 0")
                block(node.children, level, here + 1, inner)
                condition = f"{inner} == 2" if node.anchors else f"{inner}"
                src.emit(level, f"if {condition}:")
                src.emit(level + 1, f"out.append({piece(indent, f'</{node.tag}>' + chr(10))})")
                src.emit(level + 1, f"if {inner} > {result}:")
                src.emit(level + 2, f"{result} = {inner}")
                src.emit(level, "else:")
                src.emit(level + 1, f"del out[{mark}:]")
                if node.keep:
                    src.emit(level + 1, f"out.append({piece(indent, f'<{node.tag}/>' + chr(10))})")
                    src.emit(level + 1, f"if {result} == 0:")
                    src.emit(level + 2, f"{result} = 1")
                if guard:
                    level -= 1
            elif isinstance(node, _WGroup):
                writer = src.const(node.table.compiled_writer(), "W")
                get_into(level, _group_attr(node))
                values = "(v or ())" if node.many else "(() if v is None else (v,))"
                src.emit(level, f"for g in {values}:")
                src.emit(level + 1, "mg = len(out)")
                inner_here = here
                for wrapper in node.wrappers:
                    opening = piece(f"i{inner_here}", f"<{wrapper}>" + chr(10))
                    src.emit(level + 1, f"out.append({opening})")
                    inner_here += 1
                src.emit(
                    level + 1, f"out.append({piece(f'i{inner_here}', f'<{node.tag}>' + chr(10))})"
                )
                src.emit(level + 1, f"if {writer}(g, ctx, out, depth + {inner_here + 1}) == 2:")
                src.emit(
                    level + 2, f"out.append({piece(f'i{inner_here}', f'</{node.tag}>' + chr(10))})"
                )
                for wrapper in reversed(node.wrappers):
                    inner_here -= 1
                    closing = piece(f"i{inner_here}", f"</{wrapper}>" + chr(10))
                    src.emit(level + 2, f"out.append({closing})")
                src.emit(level + 2, f"{result} = 2")
                src.emit(level + 1, "else:")
                src.emit(level + 2, "del out[mg:]")
            elif isinstance(node, _WMany):
                get_into(level, _many_attr(node))
                src.emit(level, "for v in v or ():")
                src.emit(level + 1, "if v is None:")
                src.emit(level + 2, "continue")
                counter[0] += 1
                mark = f"m{counter[0]}"
                src.emit(level + 1, f"{mark} = len(out)")
                inner_here = here
                for wrapper in node.wrappers:
                    opening = piece(f"i{inner_here}", f"<{wrapper}>" + chr(10))
                    src.emit(level + 1, f"out.append({opening})")
                    inner_here += 1
                flag = f"f{counter[0]}"
                src.emit(level + 1, f"{flag} = 0")
                emit_leaf(
                    level + 1,
                    f"i{inner_here}",
                    node.tag,
                    node.codec,
                    "v",
                    [],
                    flag,
                    node.context_attrs,
                )
                src.emit(level + 1, f"if {flag}:")
                for wrapper in reversed(node.wrappers):
                    inner_here -= 1
                    closing = piece(f"i{inner_here}", f"</{wrapper}>" + chr(10))
                    src.emit(level + 2, f"out.append({closing})")
                src.emit(level + 2, f"{result} = 2")
                src.emit(level + 1, "else:")
                src.emit(level + 2, f"del out[{mark}:]")
            else:
                assert isinstance(node, _WCustom)
                custom = src.const(node.write, "X")
                src.emit(level, "mc = len(out)")
                src.emit(level, f"{custom}(obj, ctx, out, depth + {here})")
                src.emit(level, "if len(out) > mc:")
                src.emit(level + 1, f"{result} = 2")

    block(nodes, 1, 0, "w0")
    src.emit(1, "return w0")
    # The indentation locals that no line uses any more (the pieces carry them).
    body = "\n".join(src.lines)
    src.lines = [
        line
        for line in src.lines
        if not (
            (found := re.match(r"    (i\d+) = _IND\[", line))
            and len(re.findall(rf"\b{found.group(1)}\b", body)) == 1
        )
    ]
    return src.build("write")


def _guard(element: Any) -> list[str] | None:
    """The attributes of an element's values (at most 4): the element is not even opened when
    they are all absent. None when a custom term writes inside, or there are more."""
    from choeur.einvoice.readers._binding import _WCustom, _WElem, _WLeaf

    firsts: list[str] = []

    def collect(nodes: list[Any]) -> bool:
        for node in nodes:
            if isinstance(node, _WCustom):
                return False
            if isinstance(node, _WElem):
                if not collect(node.children):
                    return False
                continue
            if isinstance(node, _WLeaf) and node.const is not None:
                continue
            if node.attr not in firsts:
                firsts.append(node.attr)
        return True

    if not collect(element.children) or not firsts or len(firsts) > 4:
        return None
    return firsts


def _pieces(
    cache: dict[int, tuple[str, ...]], pieces: list[tuple[tuple[int, str], ...]], depth: int
) -> tuple[str, ...]:
    """A writer's constant pieces at `depth`, joined once (see `compile_writer`)."""
    found = cache[depth] = tuple(
        "".join(INDENTS[depth + offset] + text for offset, text in lines) for lines in pieces
    )
    return found


def _context_attributes(ctx: dict[Any, Any], pairs: tuple[tuple[str, str], ...]) -> str:
    """The attributes that `pairs` take from the writing context, worked out once a document."""
    found: str | None = ctx.get(pairs)
    if found is None:
        from choeur.einvoice.readers._binding import attributes

        found = ctx[pairs] = attributes((name, ctx.get(key)) for name, key in pairs)
    return found


def _leaf_attr(node: Any) -> str:
    attr_: str = node.attr
    return attr_


def _group_attr(node: Any) -> str:
    attr_: str = node.attr
    return attr_


def _many_attr(node: Any) -> str:
    attr_: str = node.attr
    return attr_
