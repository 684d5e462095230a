"""Forms of « Factures reçues »: they check the shape of input only; the service decides."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from choeur.core.forms import BaseForm
from choeur.lifecycle.enums import RejectionReason
from choeur.lifecycle.selectors import (
    DEFAULT_SORT,
    RECIPIENT_STATUSES,
    SORTS,
    ReceivedFilters,
    services_visible_to,
)
from choeur.lifecycle.services import MANDAT_NUMBER_MAX, REASON_MAX
from choeur.lifecycle.transitions import LABELS, Status

STATUS_CHOICES = [("", _("Tous"))] + [(s.value, LABELS[s]) for s in RECIPIENT_STATUSES]
SORT_CHOICES = [(key, key) for key in SORTS] + [(f"-{key}", f"-{key}") for key in SORTS]


class _DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self) -> None:
        super().__init__(format="%Y-%m-%d")


class _ServiceChoiceField(forms.ModelChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.code} — {obj.name}"


class ReceivedFilterForm(BaseForm):
    q = forms.CharField(label=_("Recherche"), required=False, max_length=100)
    supplier = forms.CharField(
        label=_("Fournisseur"),
        required=False,
        max_length=100,
        help_text=_("Raison sociale ou SIRET, en tout ou partie"),
    )
    service = _ServiceChoiceField(
        label=_("Service"), required=False, queryset=None, empty_label=_("Tous")
    )
    statut = forms.ChoiceField(label=_("Statut"), required=False, choices=STATUS_CHOICES)
    numero = forms.CharField(label=_("Numéro de facture"), required=False, max_length=100)
    engagement = forms.CharField(label=_("Numéro d'engagement"), required=False, max_length=50)
    depot_du = forms.DateField(label=_("Déposée du"), required=False, widget=_DateInput())
    depot_au = forms.DateField(label=_("Déposée au"), required=False, widget=_DateInput())
    facture_du = forms.DateField(label=_("Date de facture du"), required=False, widget=_DateInput())
    facture_au = forms.DateField(label=_("Date de facture au"), required=False, widget=_DateInput())
    montant_min = forms.DecimalField(
        label=_("Montant TTC minimum (€)"), required=False, max_digits=17, decimal_places=2
    )
    montant_max = forms.DecimalField(
        label=_("Montant TTC maximum (€)"), required=False, max_digits=17, decimal_places=2
    )
    non_telechargee = forms.BooleanField(label=_("Non téléchargées seulement"), required=False)
    hors_delai = forms.BooleanField(
        label=_("Délai légal de paiement dépassé seulement"), required=False
    )
    tri = forms.ChoiceField(
        required=False, choices=SORT_CHOICES, widget=forms.HiddenInput, initial=DEFAULT_SORT
    )

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["service"]
        assert isinstance(field, _ServiceChoiceField)
        field.queryset = services_visible_to(user)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for low, high, message in (
            ("depot_du", "depot_au", _("La date de début du dépôt est après la date de fin.")),
            ("facture_du", "facture_au", _("La date de début est après la date de fin.")),
            ("montant_min", "montant_max", _("Le montant minimum dépasse le maximum.")),
        ):
            if data.get(low) is not None and data.get(high) is not None and data[low] > data[high]:
                self.add_error(high, message)
        return data

    def filters(self) -> ReceivedFilters:
        data = self.cleaned_data if self.is_valid() else {}
        return ReceivedFilters(
            q=data.get("q") or "",
            supplier=data.get("supplier") or "",
            service=data.get("service"),
            statuses=(data["statut"],) if data.get("statut") else (),
            deposited_from=data.get("depot_du"),
            deposited_to=data.get("depot_au"),
            issued_from=data.get("facture_du"),
            issued_to=data.get("facture_au"),
            amount_min=data.get("montant_min"),
            amount_max=data.get("montant_max"),
            number=data.get("numero") or "",
            engagement=data.get("engagement") or "",
            not_downloaded=bool(data.get("non_telechargee")),
            overdue=bool(data.get("hors_delai")),
            sort=data.get("tri") or DEFAULT_SORT,
        )


class ActionForm(BaseForm):
    """One action on one invoice; which fields show depends on the target status."""

    expected_status = forms.CharField(widget=forms.HiddenInput)
    reason_code = forms.ChoiceField(
        label=_("Motif du rejet"),
        choices=[("", _("Choisir un motif"))] + list(RejectionReason.choices),
        required=True,
    )
    reason = forms.CharField(
        label=_("Commentaire"),
        required=False,
        max_length=REASON_MAX,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    mandat_number = forms.CharField(
        label=_("Numéro de mandat"), max_length=MANDAT_NUMBER_MAX, required=True
    )

    def __init__(self, *args: Any, to_status: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.to_status = to_status
        if to_status != Status.REJETEE:
            del self.fields["reason_code"]
        if to_status != Status.MANDATEE:
            del self.fields["mandat_number"]
        reason = self.fields["reason"]
        if to_status == Status.SUSPENDUE:
            reason.required = True
            reason.label = _("Motif de la suspension")
            reason.help_text = _(
                "Dites au fournisseur ce qui manque (pièce justificative, information) : il "
                "pourra compléter la facture."
            )
        elif to_status == Status.REJETEE:
            reason.label = _("Précisions pour le fournisseur")
            reason.help_text = _("Obligatoire pour le motif « Autre motif ».")
        elif to_status == Status.A_RECYCLER:
            reason.label = _("Donnée d'acheminement à corriger")
            reason.help_text = _(
                "Destinataire, service ou numéro d'engagement erroné : le fournisseur pourra les "
                "corriger et renvoyer la facture sous le même numéro."
            )
        # The DSFR base form built its bound fields already: rebuild them with these labels.
        self._bound_fields_cache.clear()

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if (
            self.to_status == Status.REJETEE
            and data.get("reason_code") == RejectionReason.AUTRE
            and not (data.get("reason") or "").strip()
        ):
            self.add_error("reason", _("Précisez le motif du rejet."))
        return data


BULK_STATUSES = (
    Status.SERVICE_FAIT,
    Status.MISE_A_DISPOSITION_COMPTABLE,
    Status.COMPTABILISEE,
    Status.MISE_EN_PAIEMENT,
)


class BulkActionForm(BaseForm):
    """The same action on the selected invoices (no mandat: each has its own number)."""

    invoices = forms.TypedMultipleChoiceField(coerce=int, choices=[], required=True)
    to_status = forms.ChoiceField(
        label=_("Action sur la sélection"),
        choices=[("", _("Choisir une action"))] + [(s.value, LABELS[s]) for s in BULK_STATUSES],
    )

    def __init__(self, *args: Any, invoice_ids: list[int], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["invoices"]
        assert isinstance(field, forms.TypedMultipleChoiceField)
        field.choices = [(pk, str(pk)) for pk in invoice_ids]
        field.error_messages["required"] = _("Sélectionnez au moins une facture.")
        field.error_messages["invalid_choice"] = _("Facture introuvable : rechargez la page.")
