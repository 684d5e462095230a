"""Honest types for walking lxml trees.

The children of an element are not all elements: comments and processing instructions are
children too, and their `tag` is a function, not a string (the stubs say `str`). Loops that
look at every child take them from `children`, typed `Any`, so that the code compiled by
mypyc (`make compile`, docs/einvoice-validation.md) does not check a `str` it cannot have."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from lxml import etree


def children(el: etree._Element) -> Iterator[Any]:
    """Every child node of an element: elements, comments, processing instructions."""
    return iter(el)
