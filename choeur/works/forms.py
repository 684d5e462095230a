"""Forms of « Factures de travaux »: they check the shape of input only; the services decide."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.validators import RegexValidator
from django.utils.translation import gettext_lazy as _

from choeur.core.forms import BaseForm
from choeur.works.enums import MemberKind, cadre_label
from choeur.works.services import REASON_MAX

SIRET = RegexValidator(r"^[0-9]{14}$", _("Un SIRET compte 14 chiffres."))


class ReasonForm(BaseForm):
    reason = forms.CharField(
        label=_("Motif ou commentaire"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=REASON_MAX,
        required=False,
    )

    def __init__(self, *args: Any, reason_required: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["reason"].required = reason_required
        if reason_required:
            self.fields["reason"].label = _("Motif")


class DocumentForm(BaseForm):
    cadre = forms.ChoiceField(label=_("Document"))
    number = forms.CharField(label=_("Numéro du document"), max_length=100)
    amount_ht = forms.DecimalField(
        label=_("Montant HT retenu (€)"), min_value=0, max_digits=13, decimal_places=2
    )
    amount_ttc = forms.DecimalField(
        label=_("Montant TTC retenu (€)"), min_value=0, max_digits=13, decimal_places=2
    )
    comment = forms.CharField(
        label=_("Commentaire"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=REASON_MAX,
        required=False,
    )
    file = forms.FileField(label=_("Document signé (PDF)"), required=False)

    def __init__(self, *args: Any, cadres: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["cadre"].choices = [(c, cadre_label(c)) for c in cadres]


class ContractForm(BaseForm):
    engagement = forms.ChoiceField(label=_("Engagement juridique du marché"))
    label = forms.CharField(label=_("Objet du marché"), max_length=255)
    contract_number = forms.CharField(label=_("Numéro du marché"), max_length=50, required=False)
    supplier = forms.CharField(
        label=_("SIRET du titulaire (fournisseur)"), max_length=14, validators=[SIRET]
    )
    moe = forms.CharField(
        label=_("SIRET de la maîtrise d'œuvre"),
        max_length=14,
        validators=[SIRET],
        required=False,
        help_text=_(
            "Laissez vide pour un marché sans maîtrise d'œuvre : les projets iront à la MOA."
        ),
    )
    moa = forms.CharField(
        label=_("SIRET de la maîtrise d'ouvrage"), max_length=14, validators=[SIRET]
    )

    def __init__(self, *args: Any, engagements: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["engagement"].choices = engagements


class MemberForm(BaseForm):
    structure = forms.CharField(label=_("SIRET de l'entreprise"), max_length=14, validators=[SIRET])
    kind = forms.ChoiceField(label=_("Qualité"), choices=MemberKind.choices)
    under = forms.CharField(
        label=_("SIRET du cotraitant dont elle est sous-traitante"),
        max_length=14,
        validators=[SIRET],
        required=False,
        help_text=_(
            "Pour le sous-traitant d'un cotraitant seulement : ses projets sont validés par le "
            "cotraitant, puis par le titulaire (mandataire). Laissez vide pour un sous-traitant "
            "du titulaire."
        ),
    )
