"""Forms of the claims' pages: they check the shape of input; the services check the rules."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from choeur.claims.enums import MissionNature, TicProduct
from choeur.claims.rates import RATES, campaigns
from choeur.core.forms import BaseForm
from choeur.invoices.enums import TvaRegime
from choeur.invoices.forms import DATE_WIDGET, BaseLineFormSet, LineForm, MultipleFileField
from choeur.structures.models import BankAccount, Structure


class _StructureField(forms.ModelChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.raison_sociale} ({obj.identifier})"


class _BankField(forms.ModelChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.structure.raison_sociale} — {obj.label} (…{obj.iban[-4:]})"


class _ClaimForm(BaseForm):
    structure = _StructureField(queryset=Structure.objects.none(), label=_("Structure déposante"))
    recipient = _StructureField(queryset=Structure.objects.none(), label=_("Destinataire"))
    service_code = forms.CharField(
        label=_("Code service"),
        required=False,
        max_length=100,
        help_text=_("Le service destinataire, quand la structure en exige un."),
    )
    bank_account = _BankField(
        queryset=BankAccount.objects.none(),
        label=_("Coordonnées bancaires"),
        help_text=_("Le compte à créditer : celui de la structure déposante."),
    )
    comment = forms.CharField(
        label=_("Commentaire"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    attachments = MultipleFileField(label=_("Pièces jointes"), required=False)
    idem = forms.CharField(widget=forms.HiddenInput, required=False, max_length=64)

    def __init__(
        self,
        *args: Any,
        structures: list[Structure],
        recipients: Any,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        # Change the declared fields in place: the DSFR base form has already bound them.
        structure_field: Any = self.fields["structure"]
        structure_field.queryset = Structure.objects.filter(pk__in=[s.pk for s in structures])
        structure_field.empty_label = None
        recipient_field: Any = self.fields["recipient"]
        recipient_field.queryset = recipients
        recipient_field.empty_label = _("Choisir le destinataire")
        bank_field: Any = self.fields["bank_account"]
        bank_field.queryset = (
            BankAccount.objects.filter(structure__in=structures, is_active=True)
            .select_related("structure")
            .order_by("structure__raison_sociale", "label")
        )
        bank_field.empty_label = _("Choisir un compte")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        account = data.get("bank_account")
        structure = data.get("structure")
        if account is not None and structure is not None and account.structure_id != structure.pk:
            self.add_error(
                "bank_account", _("Ce compte n'est pas celui de la structure déposante.")
            )
        return data


class MemoireForm(_ClaimForm):
    """A mémoire de frais de justice (its lines are a formset)."""

    number = forms.CharField(label=_("Numéro du mémoire"), max_length=100)
    issue_date = forms.DateField(label=_("Date du mémoire"), widget=DATE_WIDGET)
    procedure_number = forms.CharField(
        label=_("Numéro de procédure (parquet ou instruction)"), required=False, max_length=60
    )
    requisition_reference = forms.CharField(
        label=_("Référence de la réquisition ou de l'ordonnance"), required=False, max_length=60
    )
    requisition_date = forms.DateField(label=_("Date de la réquisition"), widget=DATE_WIDGET)
    prescripteur = forms.CharField(
        label=_("Prescripteur"),
        max_length=200,
        help_text=_("Le magistrat ou l'officier de police judiciaire requérant, et sa qualité."),
    )
    mission_nature = forms.ChoiceField(
        label=_("Nature de la mission"),
        choices=[("", _("Choisir"))] + list(MissionNature.choices),
    )
    mission_description = forms.CharField(
        label=_("Objet de la mission"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    engagement_number = forms.CharField(
        label=_("Numéro d'engagement"),
        required=False,
        max_length=50,
        help_text=_("Seulement si la juridiction l'exige."),
    )
    tva_regime = forms.ChoiceField(
        label=_("TVA"),
        choices=[
            (TvaRegime.TVA_SUR_DEBIT.value, _("Prestations soumises à la TVA (taux par ligne)")),
            (TvaRegime.EXONERATION.value, _("TVA non applicable (franchise, art. 293 B du CGI)")),
        ],
        initial=TvaRegime.TVA_SUR_DEBIT,
    )


MemoireLineFormSet = forms.formset_factory(
    LineForm,
    formset=BaseLineFormSet,
    extra=2,
    min_num=1,
    max_num=50,
    validate_max=True,
    can_delete=False,
)


def campaign_choices(today: dt.date) -> list[tuple[int, str]]:
    """The closed campaigns the rate table covers, the most recent first."""
    return [(year, str(year)) for year in campaigns() if year < today.year]


class TicForm(_ClaimForm):
    """A demande de remboursement TIC: the exploitation, the campaign, the quantities."""

    exploitation_name = forms.CharField(label=_("Nom de l'exploitation"), max_length=255)
    pacage_number = forms.RegexField(
        label=_("Numéro PACAGE"),
        regex=r"^[0-9]{9}$",
        required=False,
        error_messages={"invalid": _("Le numéro PACAGE compte 9 chiffres.")},
        help_text=_("Le numéro de l'exploitation auprès de la PAC, 9 chiffres."),
    )
    campaign_year = forms.TypedChoiceField(label=_("Campagne (année de consommation)"), coerce=int)

    def __init__(self, *args: Any, today: dt.date, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        campaign: Any = self.fields["campaign_year"]
        campaign.choices = campaign_choices(today)
        attachments: Any = self.fields["attachments"]
        attachments.label = _("Pièces justificatives (factures d'achat de carburant ou de gaz)")
        for product in TicProduct:
            rate = RATES[max(RATES)][product.value]
            self.fields[product.value] = forms.DecimalField(
                label=f"{product.label} ({rate.unit_label})",
                required=False,
                min_value=Decimal("0"),
                max_digits=15,
                decimal_places=3,
            )
        # The DSFR base form built its bound fields already: rebuild them.
        self._bound_fields_cache.clear()

    def quantities(self) -> dict[str, Decimal]:
        return {p: self.cleaned_data.get(p) or Decimal("0") for p in TicProduct.values}
