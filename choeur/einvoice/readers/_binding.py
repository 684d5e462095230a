"""The syntax binding as data: one table per syntax maps each BT / BG to a path, read and written
by one generic engine.

A `Table` describes one group of the pivot (an `InvoiceLine`, a `Party`, ...) as it sits under
one XML element: a sequence of `Term`s, in the order of the syntax's XSD. A term says

    Term("item.name", "cac:Item/cbc:Name", bt="BT-153", required=("désignation", "item name"))

that is: the model attribute (dotted when the pivot nests a group that the XML does not, or the
other way round), the path relative to the group's element (`a/b`, `a/b@attribute`, `.` for
the element itself), how its text converts (`Codec`), the BT for messages, whether it is
mandatory, whether it repeats (`many`) and, for a sub-group, the sub-table.

Reading turns a table into a trie of Clark tags once; a group element is read in one pass
over the children the table names (never a search of the whole tree, never ElementPath), each
path's first element in document order, every one for `many`. Writing takes the same terms in
order and emits XML text directly, in the format lxml's `pretty_print` gives: an element is
written only when it holds a value (EN 16931 has no empty terms), constants of the syntax
(`const`, e.g. `cac:TaxScheme/cbc:ID` = VAT) never make an element exist on their own. Both
directions are compiled to one Python function per table (`_codegen`), once per process.

What a syntax cannot say as a path (a choice between two elements, an identifier that belongs to
another group by its scheme, a list split by a code) is a `Custom` term: a pair of functions,
one for each direction, at the place where the XSD puts it. Each such term says why.
"""

from __future__ import annotations

import gc
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from enum import Enum
from operator import attrgetter
from typing import Any

from lxml import etree

from choeur.einvoice.enums import PaymentMeansCode
from choeur.einvoice.model import (
    Address,
    CreditTransfer,
    DirectDebit,
    Item,
    PaymentCard,
    PaymentInstructions,
    Period,
    Price,
    ProcessControl,
    TaxRepresentative,
)
from choeur.einvoice.readers._common import (
    attr,
    required,
    text,
    to_cii_date,
    to_decimal,
    to_iso_date,
)

_El = etree._Element
Values = dict[str, Any]
# What a custom writer appends to: the output parts, then its depth.
Out = list[str]
# What a writer knows besides the object (the currency, ...); it caches what it works out.
Context = dict[Any, Any]


@contextmanager
def paused_gc() -> Iterator[None]:
    """The cyclic garbage collector off while a document is read or written.

    A 10,000-line invoice is some 100,000 new objects, none in a cycle (reference counting frees
    them); the collector's full passes over all of them made the cost per line grow with the
    document (+50 % at 10,000 lines). Nested uses keep it off until the outermost ends.
    """
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


# --- codecs -------------------------------------------------------------------------------------


class Codec:
    """How one term's element (or attribute) converts to the pivot's value and back."""

    def read(self, el: _El, where: str) -> Any:
        return text(el)

    def write(self, value: Any) -> tuple[str, tuple[tuple[str, str], ...]] | None:
        """(text, attributes) or None when nothing is written."""
        if value is None or (isinstance(value, str) and not value.strip()):
            return None
        return str(value), ()


class _Text(Codec):
    pass


class _Decimal(Codec):
    def read(self, el: _El, where: str) -> Decimal | None:
        return to_decimal(el.text, where)

    def write(self, value: Any) -> tuple[str, tuple[tuple[str, str], ...]] | None:
        return None if value is None else (format(value, "f"), ())


class _IsoDate(Codec):
    def read(self, el: _El, where: str) -> date | None:
        return to_iso_date(el.text, where)

    def write(self, value: Any) -> tuple[str, tuple[tuple[str, str], ...]] | None:
        return None if value is None else (value.isoformat(), ())


class _Date102(Codec):
    """A CII udt:DateTimeString / udt:DateString with its format attribute (102: CCYYMMDD)."""

    def read(self, el: _El, where: str) -> date | None:
        return to_cii_date(el.text, el.get("format"), where)

    def write(self, value: Any) -> tuple[str, tuple[tuple[str, str], ...]] | None:
        return None if value is None else (value.strftime("%Y%m%d"), (("format", "102"),))


class Code(Codec):
    """A code of one of the open enums (`enums`): the text, as the enum's member."""

    def __init__(self, enum: Callable[[str], Enum]) -> None:
        self.enum = enum
        self._cache: dict[str, Enum] = {}

    def read(self, el: _El, where: str) -> Enum | None:
        value = text(el)
        if value is None:
            return None
        found = self._cache.get(value)
        if found is None:
            found = self.enum(value)
            if len(self._cache) < 256:
                self._cache[value] = found
        return found

    def write(self, value: Any) -> tuple[str, tuple[tuple[str, str], ...]] | None:
        return None if value is None else (value.value, ())


class Attr(Codec):
    """An attribute of the path's element (`path@name` in a term)."""

    def __init__(self, name: str) -> None:
        self.name = name

    def read(self, el: _El, where: str) -> str | None:
        return attr(el, self.name)


class _Indicator(Codec):
    """udt:Indicator / cbc:ChargeIndicator: true or false."""

    def read(self, el: _El, where: str) -> bool:
        return (text(el) or "").lower() == "true"

    def write(self, value: Any) -> tuple[str, tuple[tuple[str, str], ...]] | None:
        return ("true" if value else "false"), ()


TEXT: Codec = _Text()
DECIMAL: Codec = _Decimal()
ISO_DATE: Codec = _IsoDate()
DATE_102: Codec = _Date102()
INDICATOR: Codec = _Indicator()


# --- tables -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Custom:
    """A term the syntax cannot say as one path: `read(values, elements, where)` fills `values`
    from the elements found at `paths` (one list per path, document order); `write(obj, ctx,
    out, depth)` appends the XML of the term at its place."""

    read: Callable[[Values, Sequence[list[_El]], str], None] | None
    write: Callable[[Any, Context, Out, int], None] | None
    paths: tuple[str, ...] = ()
    why: str = ""
    sets: tuple[str, ...] = ()  # the attributes `read` sets
    uses: tuple[str, ...] = ()  # the attributes read before it that `read` needs
    # `read` sets its attributes to None when none of its paths is there: then it is not even
    # called (a line without a BT-128 costs no call).
    none_when_absent: bool = False


@dataclass(frozen=True)
class Term:
    attr: str | None  # the pivot's attribute (dotted for a nested group); None: a constant
    path: str  # relative to the group's element: "a/b", "a/b@attribute", "." (the element)
    codec: Codec = TEXT
    bt: str = ""
    required: tuple[str, str] | None = None  # (French, English) label when mandatory
    many: bool = False
    table: Table | None = None  # a sub-group read and written by its own table
    const: str | None = None  # written as is (a code the syntax requires), never read
    context_attrs: tuple[tuple[str, str], ...] = ()  # written attributes from the context
    read_only: bool = False  # a fallback of the reader that the writer does not produce
    write_only: bool = False  # written (e.g. a value the syntax repeats), never read
    custom: Custom | None = None
    default: Any = None  # the value read when the element is absent or empty
    fixed_attrs: tuple[tuple[str, str], ...] = ()  # attributes always written (schemeID="VA")
    # For `many`: how many steps above the last one repeat with each value (`a/b/c` with
    # each=1: one `b` per value inside one `a`). Default: 1 for a leaf, 0 for a group.
    each: int | None = None


def T(attr_: str | None, path: str, codec: Codec = TEXT, bt: str = "", **options: Any) -> Term:
    """A term (short form for the tables)."""
    return Term(attr_, path, codec, bt, **options)


# The labels of the mandatory terms, by BT ("BT-136|BT-141": an allowance's, a charge's), as
# a refusal names them in both syntaxes (`missing`): `T(..., **mandatory("BT-1"))`.
MANDATORY: dict[str, tuple[str, str]] = {
    "BT-1": ("numéro de facture", "invoice number"),
    "BT-2": ("date d'émission", "invoice issue date"),
    "BT-3": ("code de type de facture", "invoice type code"),
    "BT-5": ("code de devise", "currency code"),
    "BT-25": ("référence de la facture antérieure", "preceding invoice reference"),
    "BT-27": ("nom du vendeur", "seller name"),
    "BT-44": ("nom de l'acheteur", "buyer name"),
    "BT-59": ("nom du bénéficiaire", "payee name"),
    "BT-62": ("nom du représentant fiscal", "seller tax representative name"),
    "BT-63": ("numéro de TVA du représentant fiscal", "seller tax representative VAT identifier"),
    "BT-92|BT-99": ("montant", "amount"),
    "BT-109": ("montant total hors TVA", "invoice total amount without VAT"),
    "BT-112": ("montant total TTC", "invoice total amount with VAT"),
    "BT-115": ("montant à payer", "amount due for payment"),
    "BT-116": ("base imposable", "VAT category taxable amount"),
    "BT-117": ("montant de TVA", "VAT category tax amount"),
    "BT-118": ("catégorie de TVA", "VAT category code"),
    "BT-122": ("référence du document justificatif", "supporting document reference"),
    "BT-126": ("identifiant de ligne", "invoice line identifier"),
    "BT-129": ("quantité facturée", "invoiced quantity"),
    "BT-130": ("unité de mesure", "invoiced quantity unit of measure"),
    "BT-131": ("montant net de la ligne", "invoice line net amount"),
    "BT-136|BT-141": ("montant", "amount"),
    "BT-146": ("prix net", "item net price"),
    "BT-151": ("catégorie de TVA de la ligne", "invoiced item VAT category code"),
    "BT-153": ("désignation de l'article", "item name"),
}


def mandatory(bt: str) -> dict[str, Any]:
    """The options of a mandatory term: its BT and its labels (`MANDATORY`)."""
    return {"bt": bt, "required": MANDATORY[bt]}


@dataclass
class Table:
    """One group of the pivot as one syntax carries it under one element."""

    model: type | None  # the dataclass built; None when `finish` builds the value
    terms: tuple[Term, ...]
    namespaces: Mapping[str, str]  # the syntax's prefixes, as the paths use them
    nested: Mapping[str, type] = field(default_factory=dict)  # dotted prefix -> dataclass
    optional: frozenset[str] = frozenset()  # nested prefixes that are None when all is absent
    # Builds the group from its values (hand-written rules of the syntax); None: absent group.
    finish: Callable[[Values], Any] | None = None
    where_from: str | None = None  # the attribute whose value names the group in messages
    where_label: str = ""  # e.g. "ligne/line"
    # Attributes read first, in this order (the rest follow in the terms' order): which missing
    # or unreadable term a refusal names first.
    order: tuple[str, ...] = ()
    keep: frozenset[str] = frozenset()  # element paths written even when empty (the XSD)
    _plan: _Plan | None = field(default=None, repr=False)
    _writer: list[_WNode] | None = field(default=None, repr=False)
    _read: Callable[[_El, str], Any] | None = field(default=None, repr=False)
    _write: Callable[[Any, Context, Out, int], int] | None = field(default=None, repr=False)

    def plan(self) -> _Plan:
        if self._plan is None:
            self._plan = _compile_reader(self)
        return self._plan

    def writer(self) -> list[_WNode]:
        if self._writer is None:
            self._writer = _compile_writer(self)
        return self._writer

    def reader(self) -> Callable[[_El, str], Any]:
        """The table compiled to one reading function (see `_codegen`)."""
        if self._read is None:
            from choeur.einvoice.readers._codegen import compile_reader

            self._read = compile_reader(self)
        return self._read

    def compiled_writer(self) -> Callable[[Any, Context, Out, int], int]:
        """The table compiled to one writing function (see `_codegen`)."""
        if self._write is None:
            from choeur.einvoice.readers._codegen import compile_writer

            self._write = compile_writer(self)
        return self._write


# --- reading ------------------------------------------------------------------------------------


class _Node:
    __slots__ = ("children", "many", "single")

    def __init__(self) -> None:
        self.single: list[int] = []
        self.many: list[int] = []
        self.children: dict[object, _Node] | None = None


@dataclass
class _Slot:
    """One term (or one path of a custom term) as the reader converts it."""

    term: Term
    index: int
    codec: Codec
    prefix: str | None  # nested group of the pivot, or None
    name: str


@dataclass
class _Plan:
    trie: dict[object, _Node]
    size: int
    self_slots: tuple[tuple[int, bool], ...]  # slots of the group element itself (, many)
    steps: list[_Slot | tuple[Custom, tuple[int, ...]]]  # in the order of evaluation
    table: Table


def _clark(step: str, namespaces: Mapping[str, str]) -> str:
    prefix, _, local = step.partition(":")
    return f"{{{namespaces[prefix]}}}{local}"


def _split(path: str) -> tuple[tuple[str, ...], str | None]:
    """'a/b@c' -> (('a', 'b'), 'c'); '.' or '@c' -> ((), c)."""
    element, _, attribute = path.partition("@")
    element = element.rstrip("/")
    steps = () if element in ("", ".") else tuple(element.split("/"))
    return steps, attribute or None


def _compile_reader(table: Table) -> _Plan:
    namespaces = table.namespaces
    trie: dict[object, _Node] = {}
    self_slots: list[tuple[int, bool]] = []
    named: list[tuple[str | None, _Slot | tuple[Custom, tuple[int, ...]]]] = []
    size = 0

    def place(path: str, many: bool) -> tuple[int, str | None]:
        nonlocal size
        steps, attribute = _split(path)
        index = size
        size += 1
        if not steps:
            self_slots.append((index, many))
            return index, attribute
        level = trie
        node = None
        for position, step in enumerate(steps):
            tag = _clark(step, namespaces)
            node = level.get(tag)
            if node is None:
                node = level[tag] = _Node()
            if position < len(steps) - 1:
                if node.children is None:
                    node.children = {}
                level = node.children
        assert node is not None
        (node.many if many else node.single).append(index)
        return index, attribute

    for term in table.terms:
        if term.write_only or term.const is not None:
            continue
        if term.custom is not None:
            if term.custom.read is not None:
                indexes = tuple(place(p, True)[0] for p in term.custom.paths)
                named.append((term.attr, (term.custom, indexes)))
            continue
        assert term.attr is not None
        index, attribute = place(term.path, term.many)
        codec = Attr(attribute) if attribute else term.codec
        prefix, _, name = term.attr.rpartition(".")
        named.append((term.attr, _Slot(term, index, codec, prefix or None, name)))
    rank = {name: position for position, name in enumerate(table.order)}
    ordered = sorted(
        range(len(named)),
        key=lambda i: (rank.get(named[i][0] or "", len(rank)), i),
    )
    return _Plan(trie, size, tuple(self_slots), [named[i][1] for i in ordered], table)


def read_group(table: Table, el: _El, where: str = "") -> Any:
    """The pivot group that `table` reads from `el` (`where` names it in messages)."""
    return (table._read or table.reader())(el, where)


def _bt(bt: str, values: Values) -> str:
    """'BT-92|BT-99': the first for an allowance, the second for a charge (`is_charge`)."""
    if "|" not in bt:
        return bt
    allowance, _, charge = bt.partition("|")
    return charge if values.get("is_charge") else allowance


# --- writing ------------------------------------------------------------------------------------

_ESCAPE_ATTR = str.maketrans(
    {
        "&": "&amp;",
        "<": "&lt;",
        ">": "&gt;",
        '"': "&quot;",
        "\r": "&#13;",
        "\n": "&#10;",
        "\t": "&#9;",
    }
)
NOT_XML_MESSAGE = (
    "All strings must be XML compatible: Unicode or ASCII, no NULL bytes or control characters"
)


def escape_text(value: str) -> str:
    """Text as libxml2 serialises it (&, <, > and carriage returns escaped)."""
    if "&" in value:
        value = value.replace("&", "&amp;")
    if "<" in value:
        value = value.replace("<", "&lt;")
    if ">" in value:
        value = value.replace(">", "&gt;")
    if "\r" in value:
        value = value.replace("\r", "&#13;")
    return value


def escape_attribute(value: str) -> str:
    """An attribute value as libxml2 serialises it."""
    for char in '&<>"\r\n\t':
        if char in value:
            return value.translate(_ESCAPE_ATTR)
    return value


def attributes(pairs: Iterable[tuple[str, str | None]]) -> str:
    """` a="x" b="y"` for the pairs whose value is not blank."""
    return "".join(
        f' {name}="{escape_attribute(value)}"'
        for name, value in pairs
        if value is not None and value.strip()
    )


def leaf(out: Out, depth: int, tag: str, value: str, attrs: str = "") -> None:
    """One element with text, as lxml's pretty_print writes it."""
    out.append(f"{'  ' * depth}<{tag}{attrs}>{escape_text(value)}</{tag}>\n")


_CONTROL_BYTES = bytes(b for b in range(32) if b not in (9, 10, 13))


def encode_document(document: str) -> bytes:
    """UTF-8 bytes of a document written as text, refused (ValueError, as lxml does) when it
    holds a character XML 1.0 cannot carry: a C0 control, U+FFFE, U+FFFF or a lone surrogate."""
    try:
        data = document.encode("utf-8")
    except UnicodeEncodeError:
        raise ValueError(NOT_XML_MESSAGE) from None
    if len(data.translate(None, _CONTROL_BYTES)) != len(data) or _has_noncharacter(data):
        raise ValueError(NOT_XML_MESSAGE)
    return data


def _has_noncharacter(data: bytes) -> bool:
    """U+FFFE or U+FFFF (EF BF BE / EF BF BF in UTF-8) in `data`: the rare EF lead bytes found
    by memchr and looked at in place (two searches of the 3-byte sequences cost 1 ms a MB)."""
    find = data.find
    position = find(b"\xef")
    while position >= 0:
        if data[position + 1 : position + 3] in (b"\xbf\xbe", b"\xbf\xbf"):
            return True
        position = find(b"\xef", position + 1)
    return False


# What a table's writer wrote: nothing, only constants of the syntax, or at least one value.
NOTHING, CONSTANTS, VALUES = 0, 1, 2


def getter(dotted: str) -> Callable[[Any], Any]:
    """attrgetter, except that an absent (None) group on the way gives None."""
    if "." not in dotted:
        return attrgetter(dotted)
    names = dotted.split(".")

    def get(obj: Any) -> Any:
        for name in names:
            if obj is None:
                return None
            obj = getattr(obj, name)
        return obj

    return get


def _constant(value: str) -> Callable[[Any], str]:
    def get(obj: Any) -> str:
        return value

    return get


class _WNode:
    __slots__ = ()


class _WElem(_WNode):
    __slots__ = ("anchors", "children", "keep", "tag")

    def __init__(self, tag: str, keep: bool) -> None:
        self.tag = tag
        self.children: list[_WNode] = []
        self.keep = keep
        # An element whose terms include a value: the constants inside it are written only with
        # a value (cac:TaxScheme has none, so its cbc:ID = VAT goes with cac:PartyTaxScheme's).
        self.anchors = False


def _anchor(nodes: list[_WNode]) -> bool:
    """Mark the elements that hold a value term; True when `nodes` hold one."""
    found = False
    for node in nodes:
        if isinstance(node, _WElem):
            node.anchors = _anchor(node.children)
            found = found or node.anchors
        elif not (isinstance(node, _WLeaf) and node.const is not None):
            found = True
    return found


class _WLeaf(_WNode):
    __slots__ = ("attr", "attrs", "codec", "const", "context_attrs", "get", "tag")

    def __init__(self, tag: str, term: Term) -> None:
        self.tag = tag
        self.codec = term.codec
        self.const = term.const
        self.attr = term.attr
        self.get = getter(term.attr) if term.attr else None
        self.attrs: list[tuple[str, Callable[[Any], Any]]] = [
            (name, _constant(value)) for name, value in term.fixed_attrs
        ]
        self.context_attrs = term.context_attrs


class _WGroup(_WNode):
    __slots__ = ("attr", "get", "many", "table", "tag", "wrappers")

    def __init__(self, tag: str, term: Term, wrappers: tuple[str, ...] = ()) -> None:
        assert term.attr is not None and term.table is not None
        self.wrappers = wrappers  # a repeated group's own parents, one set per value
        self.attr = term.attr
        self.tag = tag
        self.get = getter(term.attr)
        self.table = term.table
        self.many = term.many


class _WMany(_WNode):
    """A repeated leaf: each value in its own wrappers (`a/b` many: one `a` per value)."""

    __slots__ = ("attr", "codec", "context_attrs", "get", "tag", "wrappers")

    def __init__(self, wrappers: tuple[str, ...], tag: str, term: Term) -> None:
        assert term.attr is not None
        self.attr = term.attr
        self.wrappers = wrappers
        self.tag = tag
        self.codec = term.codec
        self.get = getter(term.attr)
        self.context_attrs = term.context_attrs


class _WCustom(_WNode):
    __slots__ = ("write",)

    def __init__(self, write: Callable[[Any, Context, Out, int], None]) -> None:
        self.write = write


def _compile_writer(table: Table) -> list[_WNode]:
    """The terms in order, consecutive ones under the same element sharing it."""
    top: list[_WNode] = []
    for term in table.terms:
        if term.read_only:
            continue
        steps, attribute = _split(term.path)
        if term.custom is not None:
            if term.custom.write is not None:  # written inside the elements of its path
                level = top
                for depth, step in enumerate(steps):
                    last = level[-1] if level else None
                    if not (isinstance(last, _WElem) and last.tag == step):
                        last = _WElem(step, "/".join(steps[: depth + 1]) in table.keep)
                        level.append(last)
                    level = last.children
                level.append(_WCustom(term.custom.write))
            continue
        each = 0
        if term.many:
            each = term.each if term.each is not None else (0 if term.table else 1)
            each = min(each, len(steps) - 1)
        shared = steps[: len(steps) - 1 - each]
        wrappers = steps[len(steps) - 1 - each : -1]
        level = top
        for depth, step in enumerate(shared):
            last = level[-1] if level else None
            if not (isinstance(last, _WElem) and last.tag == step):
                last = _WElem(step, "/".join(steps[: depth + 1]) in table.keep)
                level.append(last)
            level = last.children
        if attribute is not None:
            target = level[-1] if level else None
            if not (isinstance(target, _WLeaf) and target.tag == steps[-1]):
                raise ValueError(f"attribute term {term.path} must follow its element's term")
            assert term.attr is not None
            target.attrs.append((attribute, getter(term.attr)))
        elif term.table is not None:
            level.append(_WGroup(steps[-1], term, wrappers))
        elif term.many:
            level.append(_WMany(wrappers, steps[-1], term))
        else:
            level.append(_WLeaf(steps[-1], term))
    _anchor(top)
    return top


def write_group(table: Table, obj: Any, ctx: Context, out: Out, depth: int) -> bool:
    """Append the children of `obj`'s element; True when a value was written."""
    return (table._write or table.compiled_writer())(obj, ctx, out, depth) == VALUES


def write_element(table: Table, tag: str, obj: Any, ctx: Context, out: Out, depth: int) -> bool:
    """`<tag>` with `obj`'s terms inside, or nothing when they are all absent."""
    indent = "  " * depth
    mark = len(out)
    out.append(f"{indent}<{tag}>\n")
    if write_group(table, obj, ctx, out, depth + 1):
        out.append(f"{indent}</{tag}>\n")
        return True
    del out[mark:]
    return False


# --- what both syntaxes' custom terms share -----------------------------------------------------
# UBL and CII say these groups through different elements, but build the same pivot from what
# they find, with the same mandatory terms and messages: one definition here for both.

# The options of the invoice line's table (BG-25) in both syntaxes: its nested groups, and the
# line named by its identifier (BT-126) in messages.
LINE_OPTIONS: dict[str, Any] = {
    "nested": {"item": Item, "price": Price, "period": Period},
    "optional": frozenset({"period"}),
    "where_from": "id",
    "where_label": "ligne/line",
}


# Which missing or unreadable term a refusal names first (`Table.order`): the runs of that order
# the two syntaxes share, as the hand-written readers before the tables checked them.
LINE_ORDER_AMOUNTS = (
    "allowances_charges",
    "quantity",
    "unit_code",
    "net_amount",
    "period.start",
    "period.end",
)
LINE_ORDER_END = ("vat_category", "vat_rate", "item.name")
HEADER_ORDER_PARTIES = ("preceding_invoices", "seller", "buyer", "payee", "tax_representative")
HEADER_ORDER_END = (
    "invoicing_period.start",
    "invoicing_period.end",
    "payment_instructions",
    "allowances_charges",
    "vat_breakdown",
    "lines",
)


def optional_leaf(out: Out, depth: int, tag: str, value: str | None) -> None:
    """`leaf` for an optional text: nothing when it is absent or blank."""
    if value is not None and value.strip():
        leaf(out, depth, tag, value)


def finish_tax_representative(values: Values) -> TaxRepresentative:
    """BG-11 from its values: BG-12 is mandatory in it, an empty address when none is given."""
    values["address"] = values["address"] or Address()
    return TaxRepresentative(**values)


def finish_process_control(values: Values) -> str | None:
    """BG-2 with BT-24 never None (empty when absent); returns BT-24 as read."""
    spec: str | None = values["process_control"].specification_id
    values["process_control"] = ProcessControl(
        specification_id=spec or "",
        business_process_type=values["process_control"].business_process_type,
    )
    return spec


def credit_transfer(
    account_id: str | None, account_name: str | None, service_provider_id: str | None
) -> CreditTransfer:
    """BG-17, whose BT-84 is mandatory."""
    return CreditTransfer(
        account_id=required(
            account_id, "BT-84", "identifiant du compte de paiement", "payment account identifier"
        ),
        account_name=account_name,
        service_provider_id=service_provider_id,
    )


def payment_card(number: str | None, holder_name: str | None) -> PaymentCard:
    """BG-18 (BT-87 empty when absent)."""
    return PaymentCard(primary_account_number=number or "", holder_name=holder_name)


def payment_instructions(
    *,
    means_code: str | None,
    means_text: str | None,
    remittance_information: str | None,
    credit_transfers: list[CreditTransfer],
    card: PaymentCard | None,
    mandate: str | None,
    creditor_id: str | None,
    debited_account_id: str | None,
) -> PaymentInstructions:
    """BG-16 from what the syntax found: BT-81 mandatory, BG-19 only when one of its terms
    (BT-89, BT-90, BT-91) is there."""
    direct_debit = None
    if mandate or debited_account_id or creditor_id:
        direct_debit = DirectDebit(
            mandate_reference=mandate,
            creditor_id=creditor_id,
            debited_account_id=debited_account_id,
        )
    return PaymentInstructions(
        means_code=PaymentMeansCode(
            required(means_code, "BT-81", "code du moyen de paiement", "payment means type code")
        ),
        means_text=means_text,
        remittance_information=remittance_information,
        credit_transfers=credit_transfers,
        card=card,
        direct_debit=direct_debit,
    )
