from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from choeur.core.forms import BaseForm
from choeur.directory.identifiers import compact


class DirectorySearchForm(BaseForm):
    q = forms.CharField(
        label=_("Nom ou numéro SIRET"),
        help_text=_("Un nom (« commune de Lyon », « lycée ») ou au moins 3 chiffres du SIRET."),
        required=False,
        max_length=100,
    )
    lieu = forms.CharField(
        label=_("Code postal ou ville"),
        help_text=_("Par exemple 69003, 69 ou Lyon."),
        required=False,
        max_length=100,
    )

    def clean_q(self) -> str:
        value: str = self.cleaned_data["q"].strip()
        digits = compact(value)
        if digits.isdigit() and len(digits) < 3:
            raise forms.ValidationError(
                _("Saisissez au moins 3 chiffres du numéro SIRET, ou un nom.")
            )
        return value

    def clean_lieu(self) -> str:
        return str(self.cleaned_data["lieu"]).strip()

    def criteria(self) -> dict[str, Any]:
        """The keyword arguments of `public_structure_search` for a valid form."""
        lieu = self.cleaned_data["lieu"]
        is_postal = lieu.replace(" ", "").isdigit()
        return {
            "query": self.cleaned_data["q"],
            "code_postal": lieu.replace(" ", "") if is_postal else "",
            "ville": "" if is_postal else lieu,
        }
