"""Forms of the sollicitation pages: they check the shape of the input; the services decide."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from captcha.fields import CaptchaField
from django import forms
from django.core.exceptions import ValidationError

from choeur.accounts.captcha import answer_matches as captcha_answer_matches
from choeur.accounts.forms import AccessibleCaptchaInput
from choeur.core.forms import BaseForm
from choeur.sollicitations import selectors
from choeur.sollicitations.attachments import ALLOWED_EXTENSIONS, MAX_FILES, attachment_error
from choeur.sollicitations.enums import Routing
from choeur.sollicitations.models import SubCategory
from choeur.structures.models import Structure

ATTACHMENT_HELP = (
    "Facultatif. Au plus 10 fichiers de 10 Mo chacun, nom de 50 caractères au plus. "
    "Formats acceptés : pdf, jpg, png, odt, docx, xlsx, csv, txt, xml, zip…"
)


# A description or a message is a letter, not a file: longer texts go as attachments.
MAX_TEXT = 20_000


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input; each one checked against the attachment rules."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault(
            "widget",
            MultipleFileInput(
                attrs={"accept": ",".join(f".{ext}" for ext in sorted(ALLOWED_EXTENSIONS))}
            ),
        )
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[Any]:
        files = data if isinstance(data, (list, tuple)) else ([data] if data else [])
        if len(files) > MAX_FILES:
            raise ValidationError(f"Joignez au plus {MAX_FILES} fichiers à la fois.")
        errors = [
            message
            for upload in files
            if (message := attachment_error(upload.name or "", upload.size or 0))
        ]
        if errors:
            raise ValidationError(errors)
        return list(files)


def _subcategory_choices(subcategories: Sequence[SubCategory]) -> list[Any]:
    """Sous-catégories grouped under their catégorie, each saying where it goes."""
    groups: dict[str, list[tuple[str, str]]] = {}
    for sub in subcategories:
        where = (
            "support de la plateforme" if sub.routing == Routing.SUPPORT else "structure publique"
        )
        groups.setdefault(sub.category.label, []).append((str(sub.pk), f"{sub.label} ({where})"))
    return [("", "Sélectionnez une catégorie et une sous-catégorie"), *groups.items()]


class SubCategoryField(forms.ChoiceField):
    def __init__(self, *, subcategories: Sequence[SubCategory], **kwargs: Any) -> None:
        self._subcategories = {str(sub.pk): sub for sub in subcategories}
        super().__init__(choices=_subcategory_choices(subcategories), **kwargs)

    def clean(self, value: Any) -> SubCategory | None:
        key = super().clean(value)
        if not key:
            return None
        return self._subcategories[key]


class InvoiceChoiceField(forms.ModelChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.number} — {obj.recipient.raison_sociale} ({obj.get_status_display()})"


class SollicitationForm(BaseForm):
    """Create or change a draft; the button pressed decides between saving and sending."""

    structure: forms.ModelChoiceField[Structure] = forms.ModelChoiceField(
        label="Structure émettrice",
        queryset=Structure.objects.none(),
        empty_label=None,
        error_messages={"required": "Choisissez la structure pour laquelle vous écrivez."},
    )
    recipient_identifier = forms.CharField(
        label="SIRET de la structure publique destinataire",
        required=False,
        max_length=20,
        help_text="Pour une question adressée à une structure publique. Inutile si vous "
        "choisissez une facture : la question va alors à son destinataire.",
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    recipient_service_code = forms.CharField(
        label="Code du service destinataire", required=False, max_length=100
    )
    invoice: InvoiceChoiceField = InvoiceChoiceField(
        label="Facture concernée",
        queryset=Structure.objects.none(),
        required=False,
        empty_label="Aucune",
    )
    title = forms.CharField(
        label="Titre",
        max_length=200,
        error_messages={"required": "Donnez un titre à votre sollicitation."},
    )
    description = forms.CharField(
        label="Description",
        max_length=MAX_TEXT,
        widget=forms.Textarea(attrs={"rows": 6}),
        error_messages={"required": "Décrivez votre demande."},
    )
    attachments = MultipleFileField(label="Pièces jointes", help_text=ATTACHMENT_HELP)

    field_order = [
        "structure",
        "subcategory",
        "invoice",
        "recipient_identifier",
        "recipient_service_code",
        "title",
        "description",
        "attachments",
    ]

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        structures = selectors.sender_structures(user=user)
        structure_field = self.fields["structure"]
        assert isinstance(structure_field, forms.ModelChoiceField)
        structure_field.queryset = structures
        invoice_field = self.fields["invoice"]
        assert isinstance(invoice_field, forms.ModelChoiceField)
        invoice_field.queryset = selectors.sender_invoices(user=user)
        self.fields["subcategory"] = SubCategoryField(
            subcategories=list(selectors.subcategories_offered()),
            label="Catégorie et sous-catégorie",
            help_text="Elles décident du destinataire : le support de la plateforme, ou une "
            "structure publique pour les questions sur vos factures et leur paiement.",
            error_messages={"required": "Choisissez une catégorie et une sous-catégorie."},
        )
        self.order_fields(self.field_order)


class MessageForm(BaseForm):
    """A message of the thread, with optional attachments."""

    body = forms.CharField(
        label="Message",
        max_length=MAX_TEXT,
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={"required": "Le message est obligatoire."},
    )
    attachments = MultipleFileField(label="Pièces jointes", help_text=ATTACHMENT_HELP)

    def __init__(
        self,
        *args: Any,
        label: str = "Message",
        required: bool = True,
        with_files: bool = True,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["body"].label = label
        # The DSFR base form has already built the bound fields: relabel the cached one too.
        self["body"].label = label
        self.fields["body"].required = required
        if not with_files:
            del self.fields["attachments"]


class LoggedOutSollicitationForm(BaseForm):
    """Reference D, logged-out mode: for people who cannot connect."""

    email = forms.EmailField(
        label="Adresse électronique",
        help_text="Le numéro de votre sollicitation et les réponses y sont envoyés.",
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
        error_messages={
            "required": "Saisissez votre adresse électronique.",
            "invalid": "Saisissez une adresse électronique valide, par exemple nom@domaine.fr.",
        },
    )
    email_confirmation = forms.EmailField(
        label="Confirmation de l'adresse électronique",
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
        error_messages={
            "required": "Saisissez à nouveau votre adresse électronique.",
            "invalid": "Saisissez une adresse électronique valide, par exemple nom@domaine.fr.",
        },
    )
    title = forms.CharField(
        label="Titre",
        max_length=200,
        error_messages={"required": "Donnez un titre à votre sollicitation."},
    )
    description = forms.CharField(
        label="Description",
        max_length=MAX_TEXT,
        widget=forms.Textarea(attrs={"rows": 6}),
        error_messages={"required": "Décrivez votre demande."},
    )
    # The registration's captcha (A.1): an image, or for who cannot see it a question in words.
    captcha = CaptchaField(
        label="Recopiez les 5 caractères de l'image",
        help_text="Vous ne pouvez pas lire l'image ? Laissez ce champ vide et répondez à la "
        "question juste en dessous.",
        required=False,
        widget=AccessibleCaptchaInput(),
        error_messages={
            "invalid": "Les caractères saisis ne correspondent pas à l'image. Une nouvelle "
            "image vous est proposée.",
        },
    )
    captcha_question = forms.CharField(
        label="Question",
        help_text="Répondez en un mot ; les majuscules et les accents ne comptent pas.",
        required=False,
        max_length=60,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )

    def __init__(self, *args: Any, question: tuple[str, str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.question_set(question)
        self.fields["subcategory"] = SubCategoryField(
            subcategories=list(selectors.subcategories_offered(logged_out=True)),
            label="Catégorie",
            error_messages={"required": "Choisissez une catégorie."},
        )
        self.order_fields(
            [
                "subcategory",
                "email",
                "email_confirmation",
                "title",
                "description",
                "captcha",
                "captcha_question",
            ]
        )

    def question_set(self, question: tuple[str, str]) -> None:
        self.question_answer = question[1]
        self.fields["captcha_question"].label = question[0]
        # Bound fields copy the label when built (the DSFR base form builds them early).
        self._bound_fields_cache.pop("captcha_question", None)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        email, confirmation = data.get("email"), data.get("email_confirmation")
        if email and confirmation and email.strip().lower() != confirmation.strip().lower():
            self.add_error(
                "email_confirmation", "Les deux adresses électroniques ne sont pas identiques."
            )
        self._clean_captcha(data)
        return data

    def _clean_captcha(self, data: dict[str, Any]) -> None:
        """The image solved, or else the question answered (as the registration's step 2)."""
        if "captcha" in self.errors:
            return
        if (self.data.get(self.add_prefix("captcha") + "_1") or "").strip():
            return  # the image was solved: CaptchaField checked it
        answer = (data.get("captcha_question") or "").strip()
        if answer:
            if not captcha_answer_matches(answer, self.question_answer):
                self.add_error(
                    "captcha_question",
                    "Réponse incorrecte. Une nouvelle question vous est proposée.",
                )
            return
        self.add_error(
            "captcha", "Recopiez les 5 caractères de l'image, ou répondez à la question en dessous."
        )
