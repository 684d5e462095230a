"""Forms of the structures pages: they check the shape of input; the services check the rules."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from choeur.core.forms import BaseForm, BaseModelForm
from choeur.notifications.webhook_models import WebhookEvent
from choeur.structures.enums import AccessMode, EngagementState, EngagementType, Espace
from choeur.structures.models import (
    EngagementJuridique,
    Rattachement,
    Service,
    Structure,
)
from choeur.structures.services.bank import bic_for, iban_check
from choeur.structures.services.structure import INSEE_FIELDS, OTHER_FIELDS, editable_fields

NO_ACCESS = ""
MODE_CHOICES = [
    (NO_ACCESS, _("Aucun accès")),
    (AccessMode.CONSULTATION, AccessMode.CONSULTATION.label),
    (AccessMode.MODIFICATION, AccessMode.MODIFICATION.label),
]


class StructureForm(BaseModelForm):
    """The record; fields from INSEE are shown greyed (disabled) for a SIRET structure."""

    class Meta:
        model = Structure
        fields = INSEE_FIELDS + OTHER_FIELDS

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        editable = editable_fields(self.instance)
        for name, field in self.fields.items():
            if name not in editable:
                field.disabled = True
                field.required = False
                field.help_text = _(
                    "Donnée de la base INSEE : « Mettre à jour depuis la base INSEE »."
                )
        self.fields["raison_sociale"].required = "raison_sociale" in editable

    def editable_data(self) -> dict[str, Any]:
        editable = editable_fields(self.instance)
        return {name: value for name, value in self.cleaned_data.items() if name in editable}


class ParametersForm(BaseForm):
    code_service_required = forms.BooleanField(
        label=_("Le code service doit être renseigné"), required=False
    )
    engagement_required = forms.BooleanField(
        label=_("Le numéro d'engagement doit être renseigné"), required=False
    )
    engagement_or_service_required = forms.BooleanField(
        label=_("Le numéro d'engagement ou le code service doit être renseigné (l'un ou l'autre)"),
        required=False,
    )


class EspacesForm(BaseForm):
    espaces = forms.MultipleChoiceField(
        label=_("Espaces ouverts sur la structure"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        choices=[(e.value, e.label) for e in Espace if e != Espace.ACTIVITES_GESTIONNAIRE],
        help_text=_("« Activités du gestionnaire » reste toujours ouvert."),
    )


class StructureSearchForm(BaseForm):
    q = forms.CharField(
        label=_("SIRET (au moins 3 chiffres) ou raison sociale exacte"),
        max_length=255,
        required=True,
    )

    def clean_q(self) -> str:
        value: str = " ".join(self.cleaned_data["q"].split())
        compact = value.replace(" ", "")
        if compact.isdigit() and len(compact) < 3:
            raise forms.ValidationError(_("Saisissez au moins 3 chiffres du SIRET."))
        return value


class RattachementRequestForm(BaseForm):
    structures = forms.ModelMultipleChoiceField(
        label=_("Structures auxquelles se rattacher"),
        queryset=Structure.objects.none(),
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args: Any, candidates: list[Structure], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["structures"]
        field.queryset = Structure.objects.filter(pk__in=[s.pk for s in candidates])
        field.label_from_instance = lambda s: (
            f"{s.raison_sociale} — {s.identifier} {s.ville}".strip()
        )


class RightsForm(BaseForm):
    """One select per open espace (none / Consultation / Modification) and the services."""

    services = forms.ModelMultipleChoiceField(
        label=_("Services"),
        queryset=Service.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(
        self,
        *args: Any,
        structure: Structure,
        open_espaces: list[str],
        current: dict[str, str] | None = None,
        current_services: list[Service] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        current = current or {}
        for code in [e for e in Espace.values if e in open_espaces]:
            if code == Espace.ACTIVITES_GESTIONNAIRE:
                continue
            self.fields[f"espace_{code}"] = forms.ChoiceField(
                label=Espace(code).label,
                choices=MODE_CHOICES,
                required=False,
                initial=current.get(code, NO_ACCESS),
            )
        services = self.fields.pop("services")
        services.queryset = Service.objects.filter(structure=structure).order_by("code")
        services.initial = current_services or []
        services.label_from_instance = lambda s: f"{s.code} — {s.name}"
        if services.queryset.exists():
            self.fields["services"] = services

    def chosen_services(self) -> list[Service]:
        return list(self.cleaned_data.get("services") or [])

    def subscriptions(self) -> dict[str, str]:
        return {
            name.removeprefix("espace_"): value
            for name, value in self.cleaned_data.items()
            if name.startswith("espace_") and value
        }


class RefuseForm(BaseForm):
    reason = forms.CharField(
        label=_("Motif du refus"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=1000,
        help_text=_("Il est envoyé à l'utilisateur."),
    )


class MemberChoiceForm(BaseForm):
    member = forms.ModelChoiceField(
        label=_("Membre"), queryset=Rattachement.objects.none(), empty_label=_("Choisir")
    )

    def __init__(self, *args: Any, members: Any, label: str | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["member"]
        field.queryset = members
        field.label_from_instance = lambda r: (
            f"{r.user.get_full_name() or r.user.email} ({r.user.email})"
        )
        if label:
            field.label = label


class CopyRightsForm(BaseForm):
    source = forms.ModelChoiceField(
        label=_("Copier les droits de"),
        queryset=Rattachement.objects.none(),
        empty_label=_("Choisir"),
    )
    target = forms.ModelChoiceField(
        label=_("Vers"), queryset=Rattachement.objects.none(), empty_label=_("Choisir")
    )

    def __init__(self, *args: Any, members: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in ("source", "target"):
            field = self.fields[name]
            field.queryset = members
            field.label_from_instance = lambda r: (
                f"{r.user.get_full_name() or r.user.email} ({r.user.email})"
            )


class ServiceForm(BaseModelForm):
    members = forms.ModelMultipleChoiceField(
        label=_("Utilisateurs rattachés au service"),
        queryset=Rattachement.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = Service
        fields = [
            "code",
            "name",
            "description",
            "is_active",
            "engagement_required",
            "start_date",
            "end_date",
        ]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 2}),
            "start_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "end_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        }

    def __init__(self, *args: Any, members: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field: Any = self.fields["members"]
        field.queryset = members
        field.label_from_instance = lambda r: (
            f"{r.user.get_full_name() or r.user.email} ({r.user.email})"
        )
        if self.instance.pk:
            field.initial = list(self.instance.rattachements.filter(pk__in=members))

    def validate_unique(self) -> None:
        # The service reports a duplicate code with its own message.
        return None


class BankAccountCreateForm(BaseForm):
    label = forms.CharField(
        label=_("Libellé"), max_length=100, help_text=_("Ex. : Compte principal")
    )
    holder = forms.CharField(label=_("Titulaire du compte"), max_length=255)
    iban = forms.CharField(
        label=_("IBAN"), max_length=50, help_text=_("Ex. : FR76 3000 6000 0112 3456 7890 189")
    )
    bic = forms.CharField(
        label=_("BIC"),
        max_length=11,
        required=False,
        help_text=_("Déduit de l'IBAN quand la banque est connue."),
    )
    is_factor = forms.BooleanField(
        label=_("Affactureur"),
        required=False,
        help_text=_("Compte de la société d'affacturage à qui vos factures sont cédées."),
    )

    def clean(self) -> dict[str, Any]:
        from choeur.structures.errors import StructureError

        data = super().clean() or {}
        if self.errors:
            return data
        try:
            parsed = iban_check(data.get("iban", ""))
            data["bic"], self.bank_name = bic_for(parsed, data.get("bic", ""))
            data["iban"] = parsed.compact
        except StructureError as exc:
            self.add_error(exc.field, exc.message)
        return data


class BankAccountUpdateForm(BaseForm):
    label = forms.CharField(label=_("Libellé"), max_length=100)
    holder = forms.CharField(label=_("Titulaire du compte"), max_length=255)
    is_factor = forms.BooleanField(label=_("Affactureur"), required=False)
    is_active = forms.BooleanField(
        label=_("Active"),
        required=False,
        help_text=_("Seuls les comptes actifs sont proposés sur les factures."),
    )


class TechnicalRenewForm(BaseForm):
    new_client_secret = forms.BooleanField(
        label=_("Générer aussi un nouveau secret client OAuth2"), required=False
    )


class EngagementForm(BaseModelForm):
    class Meta:
        model = EngagementJuridique
        fields = [
            "number",
            "kind",
            "service",
            "amount_ht",
            "amount_ttc",
            "state",
            "date",
            "end_date",
            "supplier_identifier",
        ]
        widgets = {
            "date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "end_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        }

    def __init__(self, *args: Any, structure: Structure, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        service: Any = self.fields["service"]
        service.queryset = Service.objects.filter(structure=structure).order_by("code")
        service.required = False
        kind: Any = self.fields["kind"]
        kind.choices = EngagementType.choices
        state: Any = self.fields["state"]
        state.choices = EngagementState.choices
        if self.instance.pk:
            self.fields["number"].disabled = True

    def validate_unique(self) -> None:
        return None


class EngagementImportForm(BaseForm):
    file = forms.FileField(
        label=_("Fichier CSV"),
        help_text=_(
            "Séparateur « ; » ou « , », première ligne : numero;type;code_service;montant_ht;"
            "montant_ttc;etat;date;date_fin;fournisseur (numero, montant_ht et date obligatoires)."
        ),
    )


class SelfSubscriptionForm(BaseForm):
    mode = forms.ChoiceField(label=_("Factures émises"), choices=MODE_CHOICES, required=False)


class WebhookEndpointForm(BaseForm):
    """« Raccordement API »: an HTTPS address and the events it subscribes to."""

    url = forms.URLField(
        label=_("Adresse HTTPS de votre serveur"),
        max_length=500,
        assume_scheme="https",
        help_text=_("Par exemple https://erp.example.fr/choeur/webhooks"),
    )
    events = forms.MultipleChoiceField(
        label=_("Événements"),
        choices=WebhookEvent.choices,
        widget=forms.CheckboxSelectMultiple,
    )
