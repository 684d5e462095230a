"""Forms of the invoices pages: they check the shape of input; the services check the rules."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

from django import forms
from django.core.validators import MaxLengthValidator
from django.utils.text import capfirst
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from choeur.core.formats import format_rate
from choeur.core.forms import BaseForm
from choeur.einvoice.codes import SAISIE_UNITS, unit_name
from choeur.invoices.enums import (
    CadreFacturation,
    InvoiceStatus,
    InvoiceType,
    SyntaxeFlux,
    TvaRegime,
)
from choeur.invoices.services.deposit import FLUX_MAX_BYTES
from choeur.invoices.services.drafts import SaisieLine
from choeur.invoices.services.rules import attachment_problems
from choeur.structures.models import BankAccount, Service, Structure

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
# French VAT rates (metropolitan, Corsica, overseas), labelled as every page prints them.
VAT_RATES = [
    (rate, format_rate(Decimal(rate)))
    for rate in ("20.00", "10.00", "8.50", "5.50", "2.10", "0.00")
]


def unit_choices() -> list[tuple[str, str]]:
    """The units offered, named in the reader's language (the code stays the value)."""
    language = get_language() or "fr"
    return [(code, capfirst(unit_name(code, language))) for code in SAISIE_UNITS]


OPERATION_NATURES = [
    ("S", _("Prestations de services")),
    ("B", _("Livraisons de biens")),
    ("M", _("Livraisons de biens et prestations de services")),
]
CURRENCIES = [
    ("EUR", _("Euro (EUR)")),
    ("USD", _("Dollar US (USD)")),
    ("GBP", _("Livre sterling (GBP)")),
    ("CHF", _("Franc suisse (CHF)")),
]


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    widget = MultipleFileInput

    def clean(self, data: Any, initial: Any = None) -> Any:
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(d, initial) for d in data if d]
        return [single(data, initial)] if data else []


def _limit_structures(field: Any, structures: list[Structure]) -> None:
    # Change the declared field in place: the DSFR base form has already bound it.
    field.queryset = Structure.objects.filter(pk__in=[s.pk for s in structures]).order_by(
        "raison_sociale"
    )
    field.empty_label = None


# The statuses a supplier's invoice goes through (reference C.9, A1 path), grouped as « Factures
# émises » offers them: what waits for the supplier, what the recipient is processing, what is
# over. The works and validator circuits' codes, and the technical ones, are never reached here.
SUPPLIER_STATUS_GROUPS: list[tuple[Any, list[InvoiceStatus]]] = [
    (
        _("À traiter"),
        [InvoiceStatus.SUSPENDUE, InvoiceStatus.A_RECYCLER, InvoiceStatus.REJETEE],
    ),
    (
        _("En cours de traitement"),
        [
            InvoiceStatus.DEPOSEE,
            InvoiceStatus.EN_COURS_ACHEMINEMENT,
            InvoiceStatus.MISE_A_DISPOSITION,
            InvoiceStatus.COMPLETEE,
            InvoiceStatus.SERVICE_FAIT,
            InvoiceStatus.MANDATEE,
            InvoiceStatus.MISE_A_DISPOSITION_COMPTABLE,
            InvoiceStatus.COMPTABILISEE,
        ],
    ),
    (_("Terminées"), [InvoiceStatus.MISE_EN_PAIEMENT]),
]


class InvoiceFilterForm(BaseForm):
    status = forms.ChoiceField(
        label=_("Statut"),
        required=False,
        choices=[("", _("Tous"))]
        + [
            (group, [(s.value, s.label) for s in statuses])
            for group, statuses in SUPPLIER_STATUS_GROUPS
        ],
    )
    recipient = forms.CharField(
        label=_("Destinataire (SIRET ou nom)"), required=False, max_length=100
    )
    number = forms.CharField(label=_("Numéro de facture"), required=False, max_length=100)
    flux = forms.CharField(label=_("Numéro de flux"), required=False, max_length=30)
    date_from = forms.DateField(label=_("Date de facture, du"), required=False, widget=DATE_WIDGET)
    date_to = forms.DateField(label=_("au"), required=False, widget=DATE_WIDGET)
    amount_min = forms.DecimalField(
        label=_("Montant TTC minimum"), required=False, decimal_places=2, max_digits=17
    )
    amount_max = forms.DecimalField(
        label=_("Montant TTC maximum"), required=False, decimal_places=2, max_digits=17
    )


class FluxUploadForm(BaseForm):
    supplier = forms.ModelChoiceField(
        queryset=Structure.objects.none(), label=_("Structure émettrice")
    )
    file = forms.FileField(
        label=_("Fichier"),
        help_text=_(
            "Une facture UBL, CII ou Factur-X, ou une archive ZIP ou TAR.GZ de factures (1 000 au plus, "
            "120 Mo au plus)."
        ),
    )
    declared_syntax = forms.ChoiceField(
        label=_("Syntaxe du flux"),
        required=False,
        choices=[("", _("Détection automatique"))] + list(SyntaxeFlux.choices),
    )

    def __init__(self, *args: Any, structures: list[Structure], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _limit_structures(self.fields["supplier"], structures)

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if upload.size > FLUX_MAX_BYTES:
            raise forms.ValidationError(_("Le fichier dépasse 120 Mo."))
        return upload


class PdfUploadForm(BaseForm):
    supplier = forms.ModelChoiceField(
        queryset=Structure.objects.none(), label=_("Structure émettrice")
    )
    file = forms.FileField(
        label=_("Facture PDF"),
        help_text=_(
            "Un PDF non protégé par mot de passe, 10 Mo au plus. Un PDF Factur-X pré-remplit tout le formulaire."
        ),
    )

    def __init__(self, *args: Any, structures: list[Structure], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _limit_structures(self.fields["supplier"], structures)

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if upload.size > 10 * 1024 * 1024:
            raise forms.ValidationError(_("Le PDF dépasse 10 Mo."))
        if not upload.name.lower().endswith(".pdf"):
            raise forms.ValidationError(_("Déposez un fichier PDF (extension .pdf)."))
        return upload


# The form's own words for what the checks call « référence acheteur » and « bon de commande ».
SERVICE_CODE_REQUIRED = _(
    "Le code service est obligatoire pour %(name)s : choisissez-le dans la liste de ses services."
)
ENGAGEMENT_REQUIRED = _("Le numéro d'engagement est obligatoire pour %(name)s.")


class SaisieForm(BaseForm):
    """The header of a typed invoice (the lines are a formset)."""

    supplier = forms.ModelChoiceField(
        queryset=Structure.objects.none(), label=_("Structure émettrice")
    )
    recipient = forms.CharField(
        label=_("Destinataire"),
        max_length=255,
        help_text=_(
            "SIRET, nom, ou code ou libellé d'un service de la structure publique destinataire."
        ),
    )
    service_code = forms.CharField(label=_("Code service"), required=False, max_length=100)
    engagement_number = forms.CharField(
        label=_("Numéro d'engagement"),
        required=False,
        max_length=50,
        validators=[MaxLengthValidator(50)],
    )
    cadre = forms.ChoiceField(
        label=_("Cadre de facturation"),
        choices=CadreFacturation.choices,
        initial=CadreFacturation.A1_FACTURE_FOURNISSEUR,
    )
    # Validator circuit (cadres A9, A12): checked by validation_circuit.validators_check.
    valideur_1 = forms.CharField(
        label=_("Valideur : SIRET du titulaire (A9) ou du mandataire (A12)"),
        required=False,
        max_length=20,
        help_text=_("Obligatoire pour les cadres A9 et A12 ; 14 chiffres."),
    )
    service_valideur_1 = forms.CharField(
        label=_("Code service du valideur"), required=False, max_length=100
    )
    valideur_2 = forms.CharField(
        label=_("Second valideur : SIRET du mandataire (sous-traitant d'un cotraitant)"),
        required=False,
        max_length=20,
        help_text=_("Seulement pour un sous-traitant d'un cotraitant (A9) ; sinon laissez vide."),
    )
    service_valideur_2 = forms.CharField(
        label=_("Code service du second valideur"), required=False, max_length=100
    )
    type = forms.ChoiceField(
        label=_("Type"), choices=InvoiceType.choices, initial=InvoiceType.FACTURE
    )
    number = forms.CharField(label=_("Numéro de facture"), max_length=100)
    preceding_number = forms.CharField(
        label=_("Numéro de la facture d'origine (pour un avoir)"), required=False, max_length=100
    )
    preceding_date = forms.DateField(
        label=_("Date de la facture d'origine (pour un avoir)"),
        required=False,
        widget=DATE_WIDGET,
    )
    # BT-23 of the reform (BR-FR-08): B goods, S services, M both.
    # Not required: a browser always posts the select (first choice: services); a client that
    # posts none gets services too.
    nature = forms.ChoiceField(
        label=_("Nature des opérations"),
        choices=OPERATION_NATURES,
        initial="S",
        required=False,
        help_text=_("Mention obligatoire de la facture électronique depuis la réforme de 2026."),
    )
    issue_date = forms.DateField(label=_("Date de facture"), widget=DATE_WIDGET)
    due_date = forms.DateField(label=_("Date d'échéance"), widget=DATE_WIDGET)
    currency = forms.ChoiceField(label=_("Devise"), choices=CURRENCIES, initial="EUR")
    vat_amount_eur = forms.DecimalField(
        label=_("Montant total de la TVA en euros (facture dans une autre devise)"),
        required=False,
        max_digits=17,
        decimal_places=2,
        min_value=Decimal("0"),
    )
    tva_regime = forms.ChoiceField(
        label=_("Régime de TVA"), choices=TvaRegime.choices, initial=TvaRegime.TVA_SUR_DEBIT
    )
    exemption_reason = forms.CharField(
        label=_("Motif d'exonération"),
        required=False,
        max_length=200,
        help_text=_("Pour une facture exonérée ou sans TVA (par exemple « Article 261 du CGI »)."),
    )
    bank_account = forms.ModelChoiceField(
        label=_("Coordonnées bancaires"), queryset=BankAccount.objects.none(), required=False
    )
    comment = forms.CharField(
        label=_("Commentaire"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
    )
    attachments = MultipleFileField(label=_("Pièces jointes"), required=False)

    def __init__(
        self,
        *args: Any,
        structures: list[Structure],
        supplier: Structure | None = None,
        recipient: Structure | None = None,
        service: Service | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        _limit_structures(self.fields["supplier"], structures)
        if supplier is not None:
            self.fields["bank_account"].queryset = BankAccount.objects.filter(
                structure=supplier, is_active=True
            )
        self.fields["service_code"].widget.attrs["list"] = "services-destinataire"
        if recipient is not None:
            self._require_for(recipient, service)

    def _require_for(self, recipient: Structure, service: Service | None) -> None:
        """What the recipient (or its service) makes mandatory is required here, so that the
        field shows its marker and says so itself (the checks say it again at integration)."""
        code = self.fields["service_code"]
        engagement = self.fields["engagement_number"]
        if recipient.code_service_required:
            code.required = True
            code.error_messages["required"] = SERVICE_CODE_REQUIRED % {
                "name": recipient.raison_sociale
            }
        if recipient.engagement_required or (service is not None and service.engagement_required):
            engagement.required = True
            engagement.error_messages["required"] = ENGAGEMENT_REQUIRED % {
                "name": recipient.raison_sociale
                if recipient.engagement_required or service is None
                else _("le service « %(code)s »") % {"code": service.code}
            }
        elif recipient.engagement_or_service_required and not code.required:
            either = _("Ce destinataire demande un code service ou un numéro d'engagement.")
            code.help_text = engagement.help_text = either

    def clean_attachments(self) -> Any:
        files = self.cleaned_data["attachments"]
        problems = attachment_problems([(f.name, f.size) for f in files])
        if problems:
            raise forms.ValidationError([f"{p.location} : {p.message}" for p in problems])
        return files

    def clean_recipient(self) -> str:
        return " ".join(self.cleaned_data["recipient"].split())

    def clean(self) -> dict[str, Any]:
        super().clean()
        data: dict[str, Any] = self.cleaned_data
        if data.get("type") == InvoiceType.AVOIR:
            # An avoir names the invoice it corrects, number and date (BR-FR-CO-05).
            if not (data.get("preceding_number") or "").strip():
                self.add_error(
                    "preceding_number",
                    _("Pour un avoir, indiquez le numéro de la facture d'origine."),
                )
            if data.get("preceding_date") is None:
                self.add_error(
                    "preceding_date", _("Pour un avoir, indiquez la date de la facture d'origine.")
                )
        if data.get("currency") not in (None, "", "EUR") and data.get("vat_amount_eur") is None:
            # An invoice in another currency gives its VAT in euros too (BR-FR-CO-12).
            self.add_error(
                "vat_amount_eur",
                _(
                    "Pour une facture dans une autre devise que l'euro, indiquez le montant total "
                    "de la TVA en euros."
                ),
            )
        return data

    def clean_service_code(self) -> str:
        return str(self.cleaned_data["service_code"]).strip()

    def clean_engagement_number(self) -> str:
        return str(self.cleaned_data["engagement_number"]).strip()


class LineForm(BaseForm):
    designation = forms.CharField(label=_("Désignation"), max_length=500)
    quantity = forms.DecimalField(
        label=_("Quantité"), max_digits=15, decimal_places=4, min_value=Decimal("0.0001")
    )
    unit = forms.ChoiceField(label=_("Unité"), choices=unit_choices, initial="C62")
    unit_price = forms.DecimalField(
        label=_("Prix unitaire HT"), max_digits=15, decimal_places=4, min_value=Decimal("0")
    )
    discount = forms.DecimalField(
        label=_("Remise HT"),
        max_digits=15,
        decimal_places=2,
        required=False,
        min_value=Decimal("0"),
    )
    vat_rate = forms.ChoiceField(label=_("Taux de TVA"), choices=VAT_RATES, initial="20.00")


class BaseLineFormSet(forms.BaseFormSet):  # type: ignore[type-arg]
    def initial_form_count(self) -> int:
        # Rows the user left blank are skipped, whatever row they were: none is "initial".
        return 0 if self.is_bound else super().initial_form_count()

    def clean(self) -> None:
        super().clean()
        if not _filled(self) and not any(f.errors for f in self.forms):
            raise forms.ValidationError(_("Ajoutez au moins une ligne."))


def _filled(formset: forms.BaseFormSet) -> list[forms.Form]:  # type: ignore[type-arg]
    """The rows the user filled in and kept."""
    return [f for f in formset.forms if f.cleaned_data and not f.cleaned_data.get("DELETE")]


def saisie_lines(formset: forms.BaseFormSet) -> list[SaisieLine]:  # type: ignore[type-arg]
    """The filled rows of a line formset (LineForm) as the saisie's lines, after is_valid()."""
    return [
        SaisieLine(
            designation=f.cleaned_data["designation"],
            quantity=f.cleaned_data["quantity"],
            unit=f.cleaned_data["unit"],
            unit_price=f.cleaned_data["unit_price"],
            vat_rate=Decimal(f.cleaned_data["vat_rate"]),
            discount=f.cleaned_data.get("discount") or Decimal("0"),
        )
        for f in _filled(formset)
    ]


LineFormSet = forms.formset_factory(
    LineForm,
    formset=BaseLineFormSet,
    extra=0,
    min_num=1,
    max_num=200,
    validate_max=True,
    can_delete=True,
)


class CompleteForm(BaseForm):
    comment = forms.CharField(
        label=_("Commentaire"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=2000,
    )
    attachments = MultipleFileField(label=_("Pièces jointes"), required=False)


class RecycleForm(BaseForm):
    recipient_siret = forms.CharField(label=_("SIRET du destinataire"), max_length=20)
    service_code = forms.CharField(label=_("Code service"), required=False, max_length=100)
    engagement_number = forms.CharField(
        label=_("Numéro d'engagement"), required=False, max_length=50
    )

    def clean_recipient_siret(self) -> str:
        value = re.sub(r"\s", "", self.cleaned_data["recipient_siret"])
        if not re.fullmatch(r"[0-9]{14}", value):
            raise forms.ValidationError(_("Le SIRET compte 14 chiffres."))
        return value
