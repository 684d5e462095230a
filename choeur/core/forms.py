"""Base classes for every form of the platform: the DSFR's markup, optional fields marked."""

from __future__ import annotations

from typing import Any

from django import forms
from dsfr.forms import DsfrBaseForm


class _MarkOptionalFields:
    """The DSFR marks optional fields, not required ones; django-dsfr warns until told so."""

    def get_context(self) -> dict[str, Any]:
        context: dict[str, Any] = super(DsfrBaseForm, self).get_context()  # type: ignore[misc]
        context["DSFR_MARK_OPTIONAL_FIELDS"] = True
        return context


class BaseForm(_MarkOptionalFields, DsfrBaseForm):  # type: ignore[misc]
    pass


class BaseModelForm(_MarkOptionalFields, forms.ModelForm, DsfrBaseForm):  # type: ignore[misc,type-arg]
    pass
