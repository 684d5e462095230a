"""Forms of the accounts pages. They check the shape of what is typed; services decide."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from captcha.fields import CaptchaField, CaptchaTextInput
from django import forms
from django.contrib.auth import password_validation
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from dsfr.fields import ToggleField
from stdnum.eu import vat

from choeur.accounts import captcha as text_captcha
from choeur.accounts.lockout import login_normalize
from choeur.accounts.models import User
from choeur.accounts.passwords import PersonalDataValidator, normalize_answer
from choeur.core.forms import BaseForm
from choeur.directory.identifiers import compact, siret_error
from choeur.structures.enums import Espace, IdentifierType, StructureKind


class LoginForm(BaseForm, AuthenticationForm):
    username = forms.EmailField(
        label=_("Adresse électronique"),
        widget=forms.EmailInput(attrs={"autocomplete": "email", "autofocus": True}),
    )
    password = forms.CharField(
        label=_("Mot de passe"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
    error_messages = {
        "invalid_login": _(
            "Adresse électronique ou mot de passe incorrect. Après 5 essais infructueux, le "
            "compte est bloqué pendant une heure. Vous venez de vous inscrire ? Activez d'abord "
            "votre compte avec le lien reçu par courriel."
        ),
        "inactive": _("Ce compte n'est pas activé. Utilisez le lien reçu par courriel."),
        "technical": _(
            "Ce compte technique sert uniquement à l'API : il ne peut pas se connecter au portail."
        ),
    }

    def clean_username(self) -> str:
        # Normalised once, before authenticate(): axes counts what the lookup finds.
        return login_normalize(self.cleaned_data.get("username"))

    def confirm_login_allowed(self, user: Any) -> None:
        super().confirm_login_allowed(user)
        # As on the real platform, a technical account (A.3) is an API user only.
        if getattr(user, "is_technical", False):
            raise forms.ValidationError(self.error_messages["technical"], code="technical")


# --- step 1 --------------------------------------------------------------------------------------


class RegistrationSiretForm(BaseForm):
    """Step 1, « Vous êtes nouveau ? »: login email and SIRET."""

    email = forms.EmailField(
        label=_("Adresse électronique de connexion"),
        help_text=_("Elle sera votre identifiant de connexion. Format attendu : nom@domaine.fr"),
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
        error_messages={
            "required": _("Saisissez votre adresse électronique de connexion."),
            "invalid": _("Saisissez une adresse électronique valide, par exemple nom@domaine.fr."),
        },
    )
    siret = forms.CharField(
        label=_("N° SIRET de votre structure"),
        help_text=_(
            "14 chiffres. Il figure sur votre extrait Kbis ou votre avis de situation INSEE."
        ),
        max_length=20,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
        error_messages={"required": _("Saisissez le numéro SIRET de votre structure.")},
    )

    def clean_email(self) -> str:
        return str(self.cleaned_data["email"]).strip().lower()

    def clean_siret(self) -> str:
        value = compact(self.cleaned_data["siret"])
        message = siret_error(value)
        if message:
            raise ValidationError(message, code="invalid_siret")
        return value


# Countries outside the European Union, for « Structure hors UE » (ISO 3166-1 alpha-2).
NON_EU_COUNTRIES = [
    ("", _("Sélectionnez un pays")),
    ("ZA", "Afrique du Sud"),
    ("DZ", "Algérie"),
    ("AD", "Andorre"),
    ("SA", "Arabie saoudite"),
    ("AU", "Australie"),
    ("BJ", "Bénin"),
    ("BR", "Brésil"),
    ("BF", "Burkina Faso"),
    ("CM", "Cameroun"),
    ("CA", "Canada"),
    ("CN", "Chine"),
    ("KR", "Corée du Sud"),
    ("CI", "Côte d'Ivoire"),
    ("AE", "Émirats arabes unis"),
    ("US", "États-Unis"),
    ("GA", "Gabon"),
    ("GN", "Guinée"),
    ("IN", "Inde"),
    ("IS", "Islande"),
    ("IL", "Israël"),
    ("JP", "Japon"),
    ("LB", "Liban"),
    ("LI", "Liechtenstein"),
    ("MG", "Madagascar"),
    ("ML", "Mali"),
    ("MA", "Maroc"),
    ("MU", "Maurice"),
    ("MX", "Mexique"),
    ("MC", "Monaco"),
    ("NE", "Niger"),
    ("NO", "Norvège"),
    ("NZ", "Nouvelle-Zélande"),
    ("GB", "Royaume-Uni"),
    ("SN", "Sénégal"),
    ("RS", "Serbie"),
    ("SG", "Singapour"),
    ("CH", "Suisse"),
    ("TG", "Togo"),
    ("TN", "Tunisie"),
    ("TR", "Turquie"),
    ("UA", "Ukraine"),
    ("VN", "Viêt Nam"),
]
NON_EU_COUNTRY_NAMES = dict(NON_EU_COUNTRIES[1:])
EU_COUNTRY_NAMES = {
    "AT": "Autriche",
    "BE": "Belgique",
    "BG": "Bulgarie",
    "CY": "Chypre",
    "CZ": "Tchéquie",
    "DE": "Allemagne",
    "DK": "Danemark",
    "EE": "Estonie",
    "EL": "Grèce",
    "ES": "Espagne",
    "FI": "Finlande",
    "HR": "Croatie",
    "HU": "Hongrie",
    "IE": "Irlande",
    "IT": "Italie",
    "LT": "Lituanie",
    "LU": "Luxembourg",
    "LV": "Lettonie",
    "MT": "Malte",
    "NL": "Pays-Bas",
    "PL": "Pologne",
    "PT": "Portugal",
    "RO": "Roumanie",
    "SE": "Suède",
    "SI": "Slovénie",
    "SK": "Slovaquie",
}
NO_SIRET_TYPES = [
    (IdentifierType.UE_HORS_FRANCE, "Structure européenne hors France (numéro de TVA)"),
    (IdentifierType.HORS_UE, "Structure hors Union européenne"),
    (IdentifierType.RIDET, "Structure de Nouvelle-Calédonie (RIDET)"),
    (IdentifierType.TAHITI, "Structure de Polynésie française (numéro TAHITI)"),
    (IdentifierType.PARTICULIER, "Particulier"),
    (IdentifierType.AUTRE, "Structure en cours d'immatriculation"),
]


class RegistrationNoSiretForm(BaseForm):
    """Step 1 without a SIRET: the other identifier types, each with its own checks."""

    email = RegistrationSiretForm.base_fields["email"]
    identifier_type = forms.ChoiceField(
        label=_("Type d'identifiant de votre structure"),
        choices=NO_SIRET_TYPES,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choisissez le type de votre structure.")},
    )
    vat_number = forms.CharField(
        label=_("Numéro de TVA intracommunautaire"),
        help_text=_("Pour une structure européenne hors France. Exemple : DE123456789"),
        required=False,
        max_length=20,
    )
    country = forms.ChoiceField(
        label=_("Pays"),
        help_text=_("Pour une structure hors UE."),
        choices=NON_EU_COUNTRIES,
        required=False,
    )
    name = forms.CharField(
        label=_("Raison sociale"),
        help_text=_("Pour une structure hors UE ou en cours d'immatriculation."),
        required=False,
        max_length=255,
    )
    ridet = forms.CharField(
        label=_("Numéro RIDET"),
        help_text=_("Pour la Nouvelle-Calédonie : 9 ou 10 chiffres, sans point."),
        required=False,
        max_length=12,
    )
    tahiti = forms.CharField(
        label=_("Numéro TAHITI"),
        help_text=_("Pour la Polynésie française : 9 caractères (lettres et chiffres)."),
        required=False,
        max_length=12,
    )
    last_name = forms.CharField(
        label=_("Nom"), help_text=_("Pour un particulier."), required=False, max_length=100
    )
    first_name = forms.CharField(
        label=_("Prénom"), help_text=_("Pour un particulier."), required=False, max_length=100
    )

    def clean_email(self) -> str:
        return str(self.cleaned_data["email"]).strip().lower()

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        kind = data.get("identifier_type")
        data["identifier"] = ""
        data["raison_sociale"] = ""
        data["code_pays"] = "FR"
        if kind == IdentifierType.UE_HORS_FRANCE:
            number = compact(data.get("vat_number", "")).upper()
            if not number:
                self.add_error("vat_number", _("Saisissez le numéro de TVA intracommunautaire."))
            elif number[:2] == "FR":
                self.add_error(
                    "vat_number",
                    _(
                        "Un numéro de TVA français correspond à une structure française : "
                        "inscrivez-vous avec son numéro SIRET."
                    ),
                )
            elif number[:2] not in EU_COUNTRY_NAMES or not vat.is_valid(number):
                self.add_error(
                    "vat_number",
                    _(
                        "Ce numéro de TVA intracommunautaire n'est pas valide : il commence par le "
                        "code du pays (par exemple DE, BE, IT) suivi du numéro, 18 caractères au plus."
                    ),
                )
            else:
                data["identifier"] = number
                data["code_pays"] = "GR" if number[:2] == "EL" else number[:2]
        elif kind == IdentifierType.HORS_UE:
            country = data.get("country", "")
            name = " ".join(data.get("name", "").split())
            if not country:
                self.add_error("country", _("Choisissez le pays de la structure."))
            if len(name) < 2:
                self.add_error(
                    "name",
                    _("Saisissez la raison sociale de la structure (2 caractères au moins)."),
                )
            if country and len(name) >= 2:
                # Reference B.1: country code + the first 16 characters of the raison sociale.
                key = re.sub(r"[^A-Z0-9]", "", normalize_answer(name).upper())[:16]
                data["identifier"] = f"{country}{key}"
                data["raison_sociale"] = name
                data["code_pays"] = country
        elif kind == IdentifierType.RIDET:
            number = compact(data.get("ridet", ""))
            if not re.fullmatch(r"[0-9]{9,10}", number):
                self.add_error(
                    "ridet", _("Le numéro RIDET comporte 9 ou 10 chiffres (sans point ni espace).")
                )
            else:
                data["identifier"] = number
                data["code_pays"] = "NC"
        elif kind == IdentifierType.TAHITI:
            number = compact(data.get("tahiti", "")).upper()
            if not re.fullmatch(r"[A-Z0-9]{9}", number):
                self.add_error(
                    "tahiti", _("Le numéro TAHITI comporte 9 caractères : lettres et chiffres.")
                )
            else:
                data["identifier"] = number
                data["code_pays"] = "PF"
        elif kind == IdentifierType.PARTICULIER:
            if not data.get("last_name", "").strip():
                self.add_error("last_name", _("Saisissez votre nom."))
            if not data.get("first_name", "").strip():
                self.add_error("first_name", _("Saisissez votre prénom."))
            data["raison_sociale"] = (
                f"{data.get('last_name', '').strip().upper()} {data.get('first_name', '').strip()}"
            ).strip()
        elif kind == IdentifierType.AUTRE:
            name = " ".join(data.get("name", "").split())
            if len(name) < 2:
                self.add_error(
                    "name",
                    _("Saisissez la raison sociale de la structure (2 caractères au moins)."),
                )
            data["raison_sociale"] = name
        return data


# --- step 2 --------------------------------------------------------------------------------------


class AccessibleCaptchaInput(CaptchaTextInput):  # type: ignore[misc]
    """The image with a useful text alternative (the audio needs flite, not installed)."""

    template_name = "accounts/widgets/captcha.html"


def captcha_question_new() -> tuple[str, str]:
    """The text alternative to the image: a common-knowledge question and its answers."""
    return text_captcha.question_new()


class RegistrationDetailsForm(BaseForm):
    """Step 2, « Informations personnelles » (and « Votre structure », see StructureForm)."""

    email_confirmation = forms.EmailField(
        label=_("Adresse électronique de connexion"),
        help_text=_("Saisissez à nouveau l'adresse indiquée à l'étape 1."),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
        error_messages={
            "required": _("Saisissez à nouveau votre adresse électronique de connexion."),
            "invalid": _("Saisissez une adresse électronique valide, par exemple nom@domaine.fr."),
        },
    )
    last_name = forms.CharField(
        label=_("Nom"),
        max_length=150,
        widget=forms.TextInput(attrs={"autocomplete": "family-name"}),
        error_messages={"required": _("Saisissez votre nom.")},
    )
    first_name = forms.CharField(
        label=_("Prénom"),
        max_length=150,
        widget=forms.TextInput(attrs={"autocomplete": "given-name"}),
        error_messages={"required": _("Saisissez votre prénom.")},
    )
    phone = forms.CharField(
        label=_("Téléphone"),
        required=False,
        max_length=30,
        widget=forms.TextInput(attrs={"autocomplete": "tel", "inputmode": "tel"}),
    )
    consent = forms.BooleanField(
        label=_("J'accepte la transmission de mes informations personnelles à la plateforme"),
        help_text=_(
            "Elles servent à gérer votre compte et à vous envoyer les notifications. "
            "Voir la page « Données personnelles »."
        ),
        error_messages={
            "required": _(
                "Vous devez accepter la transmission de vos informations personnelles "
                "pour créer un compte."
            )
        },
    )
    captcha = CaptchaField(
        label=_("Recopiez les 5 caractères de l'image"),
        help_text=_(
            "Vous ne pouvez pas lire l'image ? Laissez ce champ vide et répondez à la "
            "question juste en dessous."
        ),
        required=False,
        widget=AccessibleCaptchaInput(),
        error_messages={
            "invalid": _(
                "Les caractères saisis ne correspondent pas à l'image. Une nouvelle image "
                "vous est proposée."
            )
        },
    )
    captcha_question = forms.CharField(
        label=_("Question"),
        help_text=_("Répondez en un mot ; les majuscules et les accents ne comptent pas."),
        required=False,
        max_length=60,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    contact_email = forms.EmailField(
        label=_("Adresse électronique de contact"),
        help_text=_("Reçoit les notifications. Laissée vide, c'est l'adresse de connexion."),
        required=False,
        error_messages={
            "invalid": _("Saisissez une adresse électronique valide, par exemple nom@domaine.fr.")
        },
    )

    def __init__(self, *args: Any, login_email: str, question: tuple[str, str], **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.login_email = login_email
        self.question_set(question)

    def question_set(self, question: tuple[str, str]) -> None:
        self.question_answer = question[1]
        self.fields["captcha_question"].label = question[0]
        # Bound fields copy the label when built (the DSFR base form builds them early).
        self._bound_fields_cache.pop("captcha_question", None)

    def clean_email_confirmation(self) -> str:
        value = str(self.cleaned_data["email_confirmation"]).strip().lower()
        if value != self.login_email.lower():
            raise ValidationError(
                _("Cette adresse ne correspond pas à celle saisie à l'étape 1 (%(email)s)."),
                params={"email": self.login_email},
            )
        return value

    def clean_contact_email(self) -> str:
        return str(self.cleaned_data.get("contact_email") or "").strip().lower()

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        typed = (self.data.get(self.add_prefix("captcha") + "_1") or "").strip()
        answer = (data.get("captcha_question") or "").strip()
        if "captcha" in self.errors:
            return data
        if typed:
            return data  # the image captcha was solved (CaptchaField checked it)
        if answer:
            if not text_captcha.answer_matches(answer, self.question_answer):
                self.add_error(
                    "captcha_question",
                    _("Réponse incorrecte. Une nouvelle question vous est proposée."),
                )
            return data
        self.add_error(
            "captcha",
            _("Recopiez les 5 caractères de l'image, ou répondez à la question en dessous."),
        )
        return data


class RegistrationStructureForm(BaseForm):
    """Step 2, « Votre structure »: prefilled from the Sirene base, editable."""

    raison_sociale = forms.CharField(
        label=_("Raison sociale"),
        max_length=255,
        error_messages={"required": _("Saisissez la raison sociale de votre structure.")},
    )
    adresse = forms.CharField(
        label=_("Adresse"),
        help_text=_("Numéro et voie."),
        max_length=255,
        widget=forms.TextInput(attrs={"autocomplete": "address-line1"}),
        error_messages={"required": _("Saisissez l'adresse postale de votre structure.")},
    )
    complement_adresse_1 = forms.CharField(
        label=_("Complément d'adresse"),
        required=False,
        max_length=255,
        widget=forms.TextInput(attrs={"autocomplete": "address-line2"}),
    )
    code_postal = forms.CharField(
        label=_("Code postal"),
        max_length=10,
        widget=forms.TextInput(attrs={"autocomplete": "postal-code"}),
        error_messages={"required": _("Saisissez le code postal.")},
    )
    ville = forms.CharField(
        label=_("Ville"),
        max_length=100,
        widget=forms.TextInput(attrs={"autocomplete": "address-level2"}),
        error_messages={"required": _("Saisissez la ville.")},
    )
    telephone = forms.CharField(
        label=_("Téléphone de la structure"),
        required=False,
        max_length=30,
        widget=forms.TextInput(attrs={"inputmode": "tel"}),
    )
    email = forms.EmailField(
        label=_("Adresse électronique de contact de la structure"),
        required=False,
        error_messages={
            "invalid": _("Saisissez une adresse électronique valide, par exemple nom@domaine.fr.")
        },
    )
    kind = forms.ChoiceField(
        label=_("Vous êtes ?"),
        choices=[("", _("Sélectionnez une option")), *StructureKind.choices],
        error_messages={"required": _("Indiquez le type de votre structure.")},
    )
    deposits_payment_requests = forms.BooleanField(
        label=_("Déposer des demandes de paiement"),
        help_text=_("Pour transmettre les factures de votre structure."),
        required=False,
        initial=True,
    )
    uses_dume = forms.BooleanField(
        label=_("Créer et/ou consulter des DUME"),
        help_text=_(
            "Inutile si votre structure n'a pas de « Profil d'acheteur » : cette "
            "fonctionnalité permet aux éditeurs qui ont ce profil de se raccorder au service DUME "
            "par API."
        ),
        required=False,
        initial=False,
    )

    def __init__(self, *args: Any, code_pays: str = "FR", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.code_pays = code_pays

    def clean_code_postal(self) -> str:
        value = "".join(str(self.cleaned_data["code_postal"]).split())
        if self.code_pays == "FR" and not re.fullmatch(r"[0-9]{5}", value):
            raise ValidationError(_("Le code postal comporte 5 chiffres, par exemple 75001."))
        return value

    def clean_email(self) -> str:
        return str(self.cleaned_data.get("email") or "").strip().lower()


# --- step 3 --------------------------------------------------------------------------------------


class RegistrationEspacesForm(BaseForm):
    """Step 3: OUI/NON for each espace, « Factures émises » and « Sollicitations émises » on."""

    def __init__(self, *args: Any, espaces: Sequence[str], defaults: Sequence[str], **kwargs: Any):
        super().__init__(*args, **kwargs)
        for code in espaces:
            self.fields[code] = ToggleField(
                label=str(Espace(code).label),
                required=False,
                initial=code in defaults,
                widget=_yes_no_toggle(),
            )

    def chosen(self) -> list[str]:
        return [code for code, on in self.cleaned_data.items() if on]


def _yes_no_toggle() -> forms.Widget:
    from dsfr.widgets import Toggle

    widget: forms.Widget = Toggle(
        dsfr_label_attrs={
            "data-fr-checked-label": "Oui",
            "data-fr-unchecked-label": "Non",
            "class": "fr-toggle__label",
        }
    )
    return widget


# --- step 4 and passwords ------------------------------------------------------------------------

SECURITY_QUESTIONS = [
    ("", _("Sélectionnez une question")),
    (
        "Quel est le nom de votre premier animal de compagnie ?",
        "Quel est le nom de votre premier animal de compagnie ?",
    ),
    ("Dans quelle ville êtes-vous né(e) ?", "Dans quelle ville êtes-vous né(e) ?"),
    (
        "Quel est le prénom de votre meilleur(e) ami(e) d'enfance ?",
        "Quel est le prénom de votre meilleur(e) ami(e) d'enfance ?",
    ),
    ("Quel est le nom de votre école primaire ?", "Quel est le nom de votre école primaire ?"),
    ("Quel est le titre de votre livre préféré ?", "Quel est le titre de votre livre préféré ?"),
    ("__autre__", _("Autre : je rédige ma question")),
]


class NewPasswordMixin(forms.Form):
    """New password and its confirmation, checked by the password validators (settings)."""

    password1 = forms.CharField(
        label=_("Mot de passe"),
        strip=False,
        help_text=_(
            "Au moins 8 caractères, dont au moins 3 types parmi : chiffres, majuscules, "
            "minuscules, caractères spéciaux. Ni votre adresse ni votre nom, ni le nom de la "
            "plateforme ou de votre structure, ni un mot de passe courant."
        ),
        widget=forms.PasswordInput(
            attrs={"autocomplete": "new-password", "data-password-rules": "true"}
        ),
        error_messages={"required": _("Saisissez un mot de passe.")},
    )
    password2 = forms.CharField(
        label=_("Confirmation du mot de passe"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        error_messages={"required": _("Saisissez à nouveau le mot de passe.")},
    )
    password_user: User

    def clean_password2(self) -> str:
        first = self.cleaned_data.get("password1")
        second = self.cleaned_data.get("password2", "")
        if first and second and first != second:
            raise ValidationError(_("Les deux mots de passe ne sont pas identiques."))
        return str(second)

    def _post_clean(self) -> None:
        super()._post_clean()  # type: ignore[misc]
        password = self.cleaned_data.get("password1")
        if password:
            try:
                password_validation.validate_password(
                    password,
                    self.password_user,
                    password_validators=[
                        *password_validation.get_default_password_validators(),
                        PersonalDataValidator(),
                    ],
                )
            except ValidationError as error:
                self.add_error("password1", error)


class SecurityQuestionMixin(forms.Form):
    question_choice = forms.ChoiceField(
        label=_("Question de sécurité"),
        help_text=_("Elle vous sera posée si vous oubliez votre mot de passe."),
        choices=SECURITY_QUESTIONS,
        error_messages={"required": _("Choisissez une question de sécurité.")},
    )
    question_custom = forms.CharField(
        label=_("Votre question"),
        help_text=_("Si vous avez choisi « Autre »."),
        required=False,
        max_length=255,
    )
    answer = forms.CharField(
        label=_("Réponse à la question de sécurité"),
        help_text=_("Les majuscules et les accents ne comptent pas."),
        max_length=255,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
        error_messages={"required": _("Saisissez la réponse à votre question de sécurité.")},
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        choice = data.get("question_choice")
        if choice == "__autre__":
            custom = " ".join((data.get("question_custom") or "").split())
            if len(custom) < 10:
                self.add_error(
                    "question_custom", _("Rédigez votre question (10 caractères au moins).")
                )
            data["security_question"] = custom
        elif choice:
            data["security_question"] = choice
        answer = data.get("answer") or ""
        if answer and len(normalize_answer(answer)) < 2:
            self.add_error("answer", _("La réponse doit comporter 2 caractères au moins."))
        return data


class ActivationForm(BaseForm, NewPasswordMixin, SecurityQuestionMixin):
    """Step 4, « finalisation de l'inscription »: the password, then the security question."""

    field_order = ["password1", "password2", "question_choice", "question_custom", "answer"]

    def __init__(
        self,
        *args: Any,
        email: str,
        first_name: str,
        last_name: str,
        structure_name: str = "",
        **kwargs: Any,
    ):
        super().__init__(*args, **kwargs)
        # Not saved: lets the validators refuse a password made of the email or the names.
        self.password_user = User(email=email, first_name=first_name, last_name=last_name)
        self.password_user.password_context_words = [structure_name]  # type: ignore[attr-defined]


class SecurityAnswerForm(BaseForm):
    answer = forms.CharField(
        label=_("Réponse à votre question de sécurité"),
        max_length=255,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
        error_messages={"required": _("Saisissez la réponse à votre question de sécurité.")},
    )


class SetPasswordForm(BaseForm, NewPasswordMixin):
    def __init__(self, *args: Any, user: User, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.password_user = user


class EmailOnlyForm(BaseForm):
    email = forms.EmailField(
        label=_("Adresse électronique de connexion"),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
        error_messages={
            "required": _("Saisissez votre adresse électronique de connexion."),
            "invalid": _("Saisissez une adresse électronique valide, par exemple nom@domaine.fr."),
        },
    )

    def clean_email(self) -> str:
        return str(self.cleaned_data["email"]).strip().lower()


# --- Mon compte ----------------------------------------------------------------------------------


class CurrentPasswordMixin(forms.Form):
    current_password = forms.CharField(
        label=_("Mot de passe actuel"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        error_messages={"required": _("Saisissez votre mot de passe actuel.")},
    )
    account_user: User

    def clean_current_password(self) -> str:
        value = str(self.cleaned_data["current_password"])
        if not self.account_user.check_password(value):
            raise ValidationError(_("Mot de passe actuel incorrect."))
        return value


class ProfileForm(BaseForm):
    last_name = RegistrationDetailsForm.base_fields["last_name"]
    first_name = RegistrationDetailsForm.base_fields["first_name"]
    phone = RegistrationDetailsForm.base_fields["phone"]
    contact_email = RegistrationDetailsForm.base_fields["contact_email"]

    def clean_contact_email(self) -> str:
        return str(self.cleaned_data.get("contact_email") or "").strip().lower()


class PasswordChangeForm(BaseForm, CurrentPasswordMixin, NewPasswordMixin):
    field_order = ["current_password", "password1", "password2"]

    def __init__(self, *args: Any, user: User, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.account_user = user
        self.password_user = user


class SecurityQuestionForm(BaseForm, CurrentPasswordMixin, SecurityQuestionMixin):
    field_order = ["current_password", "question_choice", "question_custom", "answer"]

    def __init__(self, *args: Any, user: User, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.account_user = user


class EmailChangeForm(BaseForm, CurrentPasswordMixin):
    field_order = ["new_email", "current_password"]

    new_email = forms.EmailField(
        label=_("Nouvelle adresse électronique de connexion"),
        help_text=_(
            "Un lien de confirmation y sera envoyé ; votre adresse actuelle en sera informée."
        ),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
        error_messages={
            "required": _("Saisissez la nouvelle adresse."),
            "invalid": _("Saisissez une adresse électronique valide, par exemple nom@domaine.fr."),
        },
    )

    def __init__(self, *args: Any, user: User, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.account_user = user

    def clean_new_email(self) -> str:
        value = str(self.cleaned_data["new_email"]).strip().lower()
        if value == self.account_user.email.lower():
            raise ValidationError(_("C'est déjà votre adresse de connexion."))
        return value


class DeactivateForm(BaseForm, CurrentPasswordMixin):
    field_order = ["current_password", "confirm"]

    confirm = forms.BooleanField(
        label=_("Je souhaite désactiver mon compte"),
        help_text=_("Vous ne pourrez plus vous connecter. Seul le support pourra le réactiver."),
        error_messages={"required": _("Cochez la case pour confirmer la désactivation.")},
    )

    def __init__(self, *args: Any, user: User, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.account_user = user
