"""The four registration steps: each field, message, default and rule."""

from __future__ import annotations

import datetime as dt
import html as html_lib
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from choeur.accounts.captcha import QUESTIONS
from choeur.accounts.models import AccountToken, PendingRegistration, TokenPurpose, User
from choeur.core.models import AuditLog
from choeur.structures.enums import Espace, RattachementStatus, Role
from choeur.structures.models import EspaceSubscription, Rattachement, Structure, StructureEspace
from tests.accounts.factories import (
    ACTIVATION,
    CLOSED_SIRET,
    DETAILS,
    LA_POSTE_SIRET,
    NON_DIFFUSIBLE_SIRET,
    PASSWORD,
    SIRET,
    UserFactory,
    activation_link,
    details_data,
    emails_to,
    etablissement_create,
    register_until_sent,
    structure_with_manager,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def sirene() -> None:
    etablissement_create(SIRET)
    etablissement_create(CLOSED_SIRET, name="ANCIENNE SCIERIE", etat="F")
    etablissement_create(NON_DIFFUSIBLE_SIRET, name="CABINET DISCRET", diffusion="P")
    etablissement_create(LA_POSTE_SIRET, name="LA POSTE")


def page(client: Client, url: str) -> str:
    response = client.get(url, follow=True)
    assert response.status_code == 200
    return text(response)


def text(response: Any) -> str:
    return html_lib.unescape(response.content.decode())


# --- step 1 --------------------------------------------------------------------------------------


def test_step_1_shows_the_stepper_and_the_no_siret_link(client: Client) -> None:
    html = page(client, "/compte/inscription/")
    assert "Étape 1 sur 4" in html
    assert "Vous êtes nouveau ?" in html
    assert "Je n'ai pas de numéro de SIRET" in html


@pytest.mark.parametrize(
    ("siret", "message"),
    [
        ("", "Saisissez le numéro SIRET de votre structure."),
        ("1234", "Le numéro SIRET doit comporter exactement 14 chiffres."),
        ("84211943000011", "sa clé de contrôle est fausse"),
        ("12345678900007", "inconnu de la base Sirene"),
        (CLOSED_SIRET, "Cet établissement est fermé"),
    ],
)
def test_step_1_refuses_a_bad_siret_with_its_message(
    client: Client, siret: str, message: str
) -> None:
    response = client.post("/compte/inscription/", {"email": "a@exemple.fr", "siret": siret})
    assert response.status_code == 200
    assert message in text(response)
    assert "registration" not in client.session


def test_step_1_refuses_a_bad_email(client: Client) -> None:
    response = client.post("/compte/inscription/", {"email": "pas-une-adresse", "siret": SIRET})
    assert "Saisissez une adresse électronique valide" in text(response)


def test_step_1_accepts_la_poste_siret_without_luhn_key(client: Client) -> None:
    response = client.post(
        "/compte/inscription/", {"email": "a@exemple.fr", "siret": LA_POSTE_SIRET}
    )
    assert response.status_code == 302


def test_step_1_accepts_spaces_in_the_siret_and_goes_to_step_2(client: Client) -> None:
    response = client.post(
        "/compte/inscription/", {"email": "Nouveau@Exemple.fr", "siret": "842 119 430 00010"}
    )
    assert response["Location"] == "/compte/inscription/informations/"
    state = client.session["registration"]
    assert state["email"] == "nouveau@exemple.fr"
    assert state["identifier"] == SIRET


# --- step 1 without SIRET ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "field_message"),
    [
        ({"identifier_type": ""}, "Choisissez le type de votre structure."),
        ({"identifier_type": "UE_HORS_FRANCE"}, "Saisissez le numéro de TVA intracommunautaire."),
        ({"identifier_type": "UE_HORS_FRANCE", "vat_number": "DE12345"}, "n'est pas valide"),
        (
            {"identifier_type": "UE_HORS_FRANCE", "vat_number": "FR40303265045"},
            "inscrivez-vous avec son numéro SIRET",
        ),
        ({"identifier_type": "HORS_UE", "name": "Acme"}, "Choisissez le pays de la structure."),
        ({"identifier_type": "HORS_UE", "country": "CH"}, "Saisissez la raison sociale"),
        (
            {"identifier_type": "RIDET", "ridet": "12345"},
            "Le numéro RIDET comporte 9 ou 10 chiffres",
        ),
        ({"identifier_type": "TAHITI", "tahiti": "AB12"}, "Le numéro TAHITI comporte 9 caractères"),
        ({"identifier_type": "PARTICULIER", "first_name": "Léa"}, "Saisissez votre nom."),
        ({"identifier_type": "AUTRE"}, "Saisissez la raison sociale"),
    ],
)
def test_no_siret_form_checks_each_identifier_type(
    client: Client, data: dict[str, str], field_message: str
) -> None:
    response = client.post("/compte/inscription/sans-siret/", {"email": "a@exemple.fr", **data})
    assert response.status_code == 200
    assert field_message in text(response)


@pytest.mark.parametrize(
    ("data", "identifier_type", "identifier"),
    [
        (
            {"identifier_type": "UE_HORS_FRANCE", "vat_number": "DE 136 695 976"},
            "UE_HORS_FRANCE",
            "DE136695976",
        ),
        (
            {
                "identifier_type": "HORS_UE",
                "country": "CH",
                "name": "Société Générale de Surveillance SA",
            },
            "HORS_UE",
            "CHSOCIETEGENERALEDE"[:18],
        ),
        ({"identifier_type": "RIDET", "ridet": "1234567001"}, "RIDET", "1234567001"),
        ({"identifier_type": "TAHITI", "tahiti": "a12345001"}, "TAHITI", "A12345001"),
        (
            {"identifier_type": "PARTICULIER", "last_name": "Martin", "first_name": "Léa"},
            "PARTICULIER",
            "",
        ),
        ({"identifier_type": "AUTRE", "name": "Nouvelle Société"}, "AUTRE", ""),
    ],
)
def test_no_siret_form_accepts_each_identifier_type(
    client: Client, data: dict[str, str], identifier_type: str, identifier: str
) -> None:
    response = client.post("/compte/inscription/sans-siret/", {"email": "a@exemple.fr", **data})
    assert response.status_code == 302
    state = client.session["registration"]
    assert state["identifier_type"] == identifier_type
    assert state["identifier"] == identifier


def test_hors_ue_identifier_is_country_plus_16_characters_of_the_name(client: Client) -> None:
    client.post(
        "/compte/inscription/sans-siret/",
        {
            "email": "a@exemple.fr",
            "identifier_type": "HORS_UE",
            "country": "CH",
            "name": "Société Générale de Surveillance",
        },
    )
    assert client.session["registration"]["identifier"] == "CHSOCIETEGENERALEDE"[:18]
    assert len(client.session["registration"]["identifier"]) == 18


def test_particulier_gets_kind_particulier_and_his_name_as_raison_sociale(client: Client) -> None:
    client.post(
        "/compte/inscription/sans-siret/",
        {
            "email": "a@exemple.fr",
            "identifier_type": "PARTICULIER",
            "last_name": "Martin",
            "first_name": "Léa",
        },
    )
    html = page(client, "/compte/inscription/informations/")
    assert 'value="MARTIN Léa"' in html
    assert '<option value="PARTICULIER" selected>' in html


# --- step 2 --------------------------------------------------------------------------------------


def start(client: Client, siret: str = SIRET, email: str = "nouveau@exemple.fr") -> None:
    response = client.post("/compte/inscription/", {"email": email, "siret": siret})
    assert response.status_code == 302


def test_step_2_without_step_1_goes_back_to_step_1(client: Client) -> None:
    response = client.get("/compte/inscription/informations/")
    assert response["Location"] == "/compte/inscription/"


def test_step_2_prefills_the_structure_from_sirene(client: Client) -> None:
    start(client)
    html = page(client, "/compte/inscription/informations/")
    assert "Étape 2 sur 4" in html
    assert 'value="MENUISERIE DUPONT ET FILS"' in html
    assert 'value="12 RUE DES ARTISANS"' in html
    assert 'value="69003"' in html
    assert 'value="LYON"' in html
    # Functionalities: « Déposer des demandes de paiement » checked, DUME not, with its help.
    assert 'name="structure-deposits_payment_requests" class="fr-checkbox" checked' in html or (
        'name="structure-deposits_payment_requests"' in html
        and html.split('name="structure-deposits_payment_requests"')[1]
        .split(">")[0]
        .count("checked")
        == 1
    )
    assert "checked" not in html.split('name="structure-uses_dume"')[1].split(">")[0]
    assert "Profil d'acheteur" in html
    assert "Vous êtes ?" in html
    assert "+ Option" in html


def test_step_2_masks_the_address_of_a_non_diffusible_establishment(client: Client) -> None:
    start(client, NON_DIFFUSIBLE_SIRET)
    html = page(client, "/compte/inscription/informations/")
    assert "non diffusible" in html
    assert "DES ARTISANS" not in html
    assert 'value="CABINET DISCRET"' in html


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (
            {"email_confirmation": "autre@exemple.fr"},
            "ne correspond pas à celle saisie à l'étape 1",
        ),
        ({"last_name": ""}, "Saisissez votre nom."),
        ({"first_name": ""}, "Saisissez votre prénom."),
        ({"consent": ""}, "Vous devez accepter la transmission de vos informations personnelles"),
        ({"captcha_1": ""}, "Recopiez les 5 caractères de l'image, ou répondez à la question"),
        ({"captcha_1": "XXXXX"}, "Les caractères saisis ne correspondent pas à l'image"),
        ({"contact_email": "pas-une-adresse"}, "Saisissez une adresse électronique valide"),
        ({"structure-raison_sociale": ""}, "Saisissez la raison sociale de votre structure."),
        ({"structure-adresse": ""}, "Saisissez l'adresse postale de votre structure."),
        ({"structure-code_postal": "6900"}, "Le code postal comporte 5 chiffres"),
        ({"structure-kind": ""}, "Indiquez le type de votre structure."),
    ],
)
def test_step_2_refuses_bad_input_with_its_message(
    client: Client, change: dict[str, str], message: str
) -> None:
    start(client)
    data = details_data(client, **change)
    if data.get("consent") == "":
        data.pop("consent")
    response = client.post("/compte/inscription/informations/", data)
    assert response.status_code == 200
    assert message in text(response)
    assert client.session["registration"]["step"] == 2


def test_step_2_text_question_is_an_alternative_to_the_image(client: Client) -> None:
    start(client)
    data = details_data(client)
    question, answers = client.session["registration_question"]
    assert question in [q for q, _a in QUESTIONS]
    answer = answers.split("|")[-1].upper()  # case and accents do not count
    data = {**details_data(client), "captcha_1": "", "captcha_question": answer}
    response = client.post("/compte/inscription/informations/", data)
    assert response.status_code == 302


def test_step_2_wrong_text_answer_is_refused_and_a_new_question_asked(client: Client) -> None:
    start(client)
    data = details_data(client)
    data = {**data, "captcha_1": "", "captcha_question": "mauvaise réponse"}
    response = client.post("/compte/inscription/informations/", data)
    assert "Réponse incorrecte" in text(response)


def test_step_2_captcha_image_has_a_text_alternative(client: Client) -> None:
    start(client)
    html = page(client, "/compte/inscription/informations/")
    assert 'alt="Image de vérification : 5 lettres et chiffres à recopier' in html
    question = client.session["registration_question"][0]
    assert html_lib.escape(question, quote=False) in html or question in html


def test_step_2_with_a_managed_structure_becomes_a_rattachement_request(client: Client) -> None:
    structure_with_manager()
    start(client)
    html = page(client, "/compte/inscription/informations/")
    assert "demande de rattachement" in html
    assert 'name="structure-raison_sociale"' not in html
    personal_only = {
        k: v for k, v in details_data(client).items() if not k.startswith("structure-")
    }
    response = client.post("/compte/inscription/informations/", personal_only)
    assert response.status_code == 302
    assert client.session["registration"]["structure"] is None


# --- step 3 --------------------------------------------------------------------------------------


def test_step_3_factures_emises_and_sollicitations_emises_are_on_by_default(client: Client) -> None:
    start(client)
    client.post("/compte/inscription/informations/", details_data(client))
    html = page(client, "/compte/inscription/espaces/")
    assert "Étape 3 sur 4" in html
    for code in Espace.values:
        if code == Espace.ACTIVITES_GESTIONNAIRE:
            assert f'name="{code}"' not in html
            continue
        tag = html.split(f'name="{code}"')[1].split(">")[0]
        assert ("checked" in tag) == (code in ("FACTURES_EMISES", "SOLLICITATIONS_EMISES")), code
    assert 'data-fr-checked-label="Oui"' in html
    assert 'data-fr-unchecked-label="Non"' in html


def test_step_3_keeps_everything_pending_and_sends_the_activation_link(client: Client) -> None:
    register_until_sent(client)
    assert not User.objects.filter(email="nouveau@exemple.fr").exists()
    assert not Structure.objects.exists()
    registration = PendingRegistration.objects.get()
    assert registration.data["espaces"] == ["FACTURES_EMISES", "SOLLICITATIONS_EMISES"]
    [email] = emails_to("nouveau@exemple.fr")
    assert email.subject == "Activez votre compte"
    assert (
        "http://testserver/compte/activation/" not in email.body_text
    )  # SITE_URL, not the request
    assert "valable 60 minutes" in email.body_text
    html = page(client, "/compte/inscription/courriel-envoye/")
    assert "Étape 4 sur 4" in html
    assert "nouveau@exemple.fr" in html
    assert "Renvoyer le lien d'activation" in html


def test_registration_of_an_existing_account_creates_nothing_and_tells_the_owner(
    client: Client,
) -> None:
    UserFactory(email="deja@exemple.fr")
    register_until_sent(client, email="deja@exemple.fr")
    assert not PendingRegistration.objects.exists()
    [email] = emails_to("deja@exemple.fr")
    assert email.template == "accounts/emails/already_registered"
    # The page is the same as for a new address: nothing tells who has an account.
    assert "deja@exemple.fr" in page(client, "/compte/inscription/courriel-envoye/")


# --- step 4: activation --------------------------------------------------------------------------


def test_activation_creates_user_structure_manager_and_espaces(client: Client) -> None:
    register_until_sent(client)
    link = activation_link("nouveau@exemple.fr")
    html = page(client, link)
    assert "Finalisation de l'inscription" in html
    # The password first, then the security question (reference text, step 4).
    assert (
        html.index('name="password1"')
        < html.index('name="password2"')
        < html.index('name="question_choice"')
        < html.index('name="answer"')
    )
    assert "Étape 4 sur 4" in html
    response = client.post(link, ACTIVATION)
    assert response.status_code == 302
    assert response["Location"] == "/mon-espace/"
    user = User.objects.get(email="nouveau@exemple.fr")
    assert user.is_active and user.activated_at
    assert user.check_password(PASSWORD)
    assert user.password.startswith("md5$")  # hashed (Argon2 outside the tests)
    assert user.first_name == "Léa" and user.last_name == "Dupont"
    assert user.notification_email == "nouveau@exemple.fr"  # contact email defaults to login
    assert user.security_answer and "Saint" not in user.security_answer
    structure = Structure.objects.get(identifier=SIRET)
    assert structure.raison_sociale == "MENUISERIE DUPONT ET FILS"
    assert structure.deposits_payment_requests is True
    assert structure.uses_dume is False
    assert structure.kind == "ENTREPRISE_PRIVEE"
    rattachement = Rattachement.objects.get(user=user, structure=structure)
    assert rattachement.role == Role.GESTIONNAIRE_PRINCIPAL
    assert rattachement.status == RattachementStatus.VALIDEE
    subscribed = set(EspaceSubscription.objects.filter(user=user).values_list("espace", flat=True))
    assert subscribed == {"FACTURES_EMISES", "SOLLICITATIONS_EMISES", "ACTIVITES_GESTIONNAIRE"}
    assert (
        set(
            StructureEspace.objects.filter(structure=structure, is_open=True).values_list(
                "espace", flat=True
            )
        )
        # Reference B.4: the sollicitations espaces are open on every new structure.
        == subscribed | {"SOLLICITATIONS_RECUES"}
    )
    assert int(client.session["_auth_user_id"]) == user.pk
    actions = set(AuditLog.objects.values_list("action", flat=True))
    assert {
        "registration.submitted",
        "account.activated",
        "structure.created",
        "account.login",
    } <= actions
    # The menu shows the espaces at once.
    assert "Factures émises" in page(client, "/mon-espace/")


def test_activation_keeps_the_espaces_chosen_with_toggles(client: Client) -> None:
    register_until_sent(client, espaces={"FACTURES_EMISES": "on", "FACTURES_RECUES": "on"})
    client.post(activation_link("nouveau@exemple.fr"), ACTIVATION)
    user = User.objects.get(email="nouveau@exemple.fr")
    assert set(EspaceSubscription.objects.filter(user=user).values_list("espace", flat=True)) == {
        "FACTURES_EMISES",
        "FACTURES_RECUES",
        "ACTIVITES_GESTIONNAIRE",
    }


def test_activation_keeps_the_contact_email_and_the_edited_structure(client: Client) -> None:
    register_until_sent(
        client,
        details={
            "contact_email": "Compta@Exemple.fr",
            "structure-raison_sociale": "DUPONT MENUISERIE",
            "structure-uses_dume": "on",
            "structure-deposits_payment_requests": "",
        },
    )
    client.post(activation_link("nouveau@exemple.fr"), ACTIVATION)
    user = User.objects.get(email="nouveau@exemple.fr")
    assert user.notification_email == "compta@exemple.fr"
    structure = Structure.objects.get()
    assert structure.raison_sociale == "DUPONT MENUISERIE"
    assert structure.uses_dume is True
    assert structure.deposits_payment_requests is False


def test_activation_for_a_managed_structure_asks_its_manager(client: Client) -> None:
    structure = structure_with_manager()
    register_until_sent(client, details={k: "" for k in DETAILS if k.startswith("structure-")})
    response = client.post(activation_link("nouveau@exemple.fr"), ACTIVATION)
    assert response.status_code == 302
    user = User.objects.get(email="nouveau@exemple.fr")
    rattachement = Rattachement.objects.get(user=user)
    assert rattachement.structure == structure
    assert rattachement.role == Role.UTILISATEUR
    assert rattachement.status == RattachementStatus.EN_COURS_DE_VALIDATION
    assert Structure.objects.count() == 1
    [request_email] = emails_to("gestionnaire@exemple.fr")
    assert "Demande de rattachement" in request_email.subject
    assert "nouveau@exemple.fr" in request_email.body_text
    assert AuditLog.objects.filter(action="rattachement.request").exists()
    assert f"/structures/{structure.pk}/approbations/{rattachement.pk}/" in request_email.body_text
    # No espace in the menu until the request is approved.
    assert "Factures émises" not in page(client, "/mon-espace/")


def test_a_structure_nobody_manages_goes_to_its_first_registrant(client: Client) -> None:
    from choeur.structures.models import Structure as S

    S.objects.create(identifier_type="SIRET", identifier=SIRET, raison_sociale="MENUISERIE")
    start(client)
    html = page(client, "/compte/inscription/informations/")
    assert (
        "sans gestionnaire principal : vous en deviendrez le <strong>gestionnaire principal" in html
    )
    assert 'name="structure-raison_sociale"' not in html
    register_until_sent(client, details={k: "" for k in DETAILS if k.startswith("structure-")})
    client.post(activation_link("nouveau@exemple.fr"), ACTIVATION)
    assert Rattachement.objects.get().role == Role.GESTIONNAIRE_PRINCIPAL
    assert S.objects.get().raison_sociale == "MENUISERIE"  # kept as it was


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"password1": "Ab1!", "password2": "Ab1!"}, "Ce mot de passe est trop court"),
        ({"password1": "abcdefgh12", "password2": "abcdefgh12"}, "au moins 3 types de caractères"),
        ({"password1": "Password1", "password2": "Password1"}, "Ce mot de passe est trop courant"),
        ({"password1": "Nouveau@exemple1", "password2": "Nouveau@exemple1"}, "trop semblable"),
        ({"password1": "Dupont-2026!", "password2": "Dupont-2026!"}, "ni votre nom"),
        ({"password1": "x-LEA-2026-y", "password2": "x-LEA-2026-y"}, "ni votre prénom"),
        ({"password1": "Nouveau!2026", "password2": "Nouveau!2026"}, "ni votre adresse"),
        ({"password2": "Autre-2026x"}, "Les deux mots de passe ne sont pas identiques."),
        ({"question_choice": ""}, "Choisissez une question de sécurité."),
        ({"question_choice": "__autre__"}, "Rédigez votre question"),
        ({"answer": ""}, "Saisissez la réponse à votre question de sécurité."),
    ],
)
def test_activation_refuses_bad_input_and_creates_nothing(
    client: Client, change: dict[str, str], message: str
) -> None:
    register_until_sent(client)
    link = activation_link("nouveau@exemple.fr")
    response = client.post(link, {**ACTIVATION, **change})
    assert response.status_code == 200
    assert message in text(response)
    assert not User.objects.exists()
    assert page(client, link)  # the link still works


def test_activation_accepts_a_written_question(client: Client) -> None:
    register_until_sent(client)
    client.post(
        activation_link("nouveau@exemple.fr"),
        {
            **ACTIVATION,
            "question_choice": "__autre__",
            "question_custom": "Quelle est ma couleur ?",
        },
    )
    assert User.objects.get().security_question == "Quelle est ma couleur ?"


def test_activation_link_expires_after_60_minutes(client: Client) -> None:
    register_until_sent(client)
    link = activation_link("nouveau@exemple.fr")
    token = AccountToken.objects.get(purpose=TokenPurpose.ACTIVATION)
    assert (
        dt.timedelta(minutes=59) < token.expires_at - token.created_at <= dt.timedelta(minutes=60)
    )
    token.expires_at = timezone.now() - dt.timedelta(seconds=1)
    token.save()
    response = client.get(link, follow=True)
    assert response.status_code == 410
    html = text(response)
    assert "Ce lien a expiré : il était valable 60 minutes" in html
    assert "Renvoyer le lien d'activation" in html
    assert 'value="nouveau@exemple.fr"' in html
    assert client.post(link, ACTIVATION).status_code == 410
    assert not User.objects.exists()


def test_activation_link_duration_follows_the_setting(client: Client, settings) -> None:  # type: ignore[no-untyped-def]
    settings.ACTIVATION_LINK_MINUTES = 15
    register_until_sent(client)
    token = AccountToken.objects.get()
    assert token.expires_at - token.created_at <= dt.timedelta(minutes=15)
    assert "valable 15 minutes" in emails_to("nouveau@exemple.fr")[0].body_text


def test_activation_link_is_single_use(client: Client) -> None:
    register_until_sent(client)
    link = activation_link("nouveau@exemple.fr")
    client.post(link, ACTIVATION)
    client.logout()
    response = client.get(link, follow=True)
    assert response.status_code == 410
    assert "déjà été utilisé" in text(response)
    assert User.objects.count() == 1


def test_unknown_activation_link_explains_itself(client: Client) -> None:
    response = client.get("/compte/activation/nimportequoi/", follow=True)
    assert response.status_code == 404
    assert "Ce lien n'est pas valable" in text(response)


def test_resend_gives_a_new_link_and_kills_the_old_one(client: Client) -> None:
    register_until_sent(client)
    old = activation_link("nouveau@exemple.fr")
    response = client.post(
        "/compte/activation/renvoyer/", {"email": "nouveau@exemple.fr"}, follow=True
    )
    assert "un nouveau lien vient d'y être envoyé" in text(response)
    new = activation_link("nouveau@exemple.fr")
    assert new != old
    assert client.get(old, follow=True).status_code == 410
    assert client.get(new, follow=True).status_code == 200


def test_resend_for_an_unknown_address_says_the_same_and_sends_nothing(client: Client) -> None:
    response = client.post(
        "/compte/activation/renvoyer/", {"email": "inconnu@exemple.fr"}, follow=True
    )
    assert "un nouveau lien vient d'y être envoyé" in text(response)
    assert not emails_to("inconnu@exemple.fr")


def test_abandoned_registration_blocks_nothing(client: Client) -> None:
    register_until_sent(client)  # never activated
    other = Client()
    register_until_sent(other, email="collegue@exemple.fr")  # same SIRET, another person
    register_until_sent(Client())  # the first person starts again
    assert not User.objects.exists() and not Structure.objects.exists()
    # The first person's first link was replaced by the new one.
    first_links = [e for e in emails_to("nouveau@exemple.fr")]
    assert len(first_links) == 2
    assert client.post(activation_link("collegue@exemple.fr"), ACTIVATION).status_code == 302
    assert Rattachement.objects.get().user.email == "collegue@exemple.fr"


def test_second_pending_registrant_of_a_siret_becomes_a_rattachement_request(
    client: Client,
) -> None:
    register_until_sent(client)
    register_until_sent(Client(), email="collegue@exemple.fr")
    client.post(activation_link("nouveau@exemple.fr"), ACTIVATION)
    Client().post(activation_link("collegue@exemple.fr"), ACTIVATION)
    statuses = dict(Rattachement.objects.values_list("user__email", "status"))
    assert statuses == {
        "nouveau@exemple.fr": RattachementStatus.VALIDEE,
        "collegue@exemple.fr": RattachementStatus.EN_COURS_DE_VALIDATION,
    }


def test_activation_when_the_address_got_an_account_meanwhile_is_refused(client: Client) -> None:
    register_until_sent(client)
    link = activation_link("nouveau@exemple.fr")
    UserFactory(email="nouveau@exemple.fr")
    response = client.post(link, ACTIVATION)
    assert "Un compte existe déjà avec cette adresse" in text(response)
    assert not Structure.objects.exists()


def test_no_siret_registration_creates_a_structure_with_its_identifier(client: Client) -> None:
    client.post(
        "/compte/inscription/sans-siret/",
        {
            "email": "nouveau@exemple.fr",
            "identifier_type": "UE_HORS_FRANCE",
            "vat_number": "DE136695976",
        },
    )
    data = details_data(
        client,
        **{
            "structure-raison_sociale": "MUSTER GMBH",
            "structure-code_postal": "10115",
            "structure-ville": "BERLIN",
        },
    )
    assert client.post("/compte/inscription/informations/", data).status_code == 302
    client.post("/compte/inscription/espaces/", {"FACTURES_EMISES": "on"})
    client.post(activation_link("nouveau@exemple.fr"), ACTIVATION)
    structure = Structure.objects.get()
    assert (structure.identifier_type, structure.identifier) == ("UE_HORS_FRANCE", "DE136695976")
    assert structure.numero_tva == "DE136695976"
    assert structure.code_pays == "DE"


def test_particulier_registration_gets_a_platform_identifier(client: Client) -> None:
    client.post(
        "/compte/inscription/sans-siret/",
        {
            "email": "nouveau@exemple.fr",
            "identifier_type": "PARTICULIER",
            "last_name": "Martin",
            "first_name": "Léa",
        },
    )
    client.post(
        "/compte/inscription/informations/",
        details_data(client, **{"structure-kind": "PARTICULIER"}),
    )
    client.post("/compte/inscription/espaces/", ESPACES)
    client.post(activation_link("nouveau@exemple.fr"), ACTIVATION)
    structure = Structure.objects.get()
    assert structure.identifier_type == "PARTICULIER"
    assert structure.identifier.startswith("P") and len(structure.identifier) == 15
    assert (structure.nom, structure.prenom) == ("Martin", "Léa")


ESPACES = {"FACTURES_EMISES": "on", "SOLLICITATIONS_EMISES": "on"}


@pytest.mark.parametrize(
    ("categorie", "kind"),
    [("9220", "ASSOCIATION"), ("7210", "STRUCTURE_PUBLIQUE"), ("5499", "ENTREPRISE_PRIVEE")],
)
def test_vous_etes_is_suggested_from_the_categorie_juridique(
    client: Client, categorie: str, kind: str
) -> None:
    etablissement_create(SIRET, categorie=categorie)
    start(client)
    html = page(client, "/compte/inscription/informations/")
    assert f'<option value="{kind}" selected>' in html


def test_activation_email_is_absolute_with_site_url(client: Client, settings: Any) -> None:
    settings.SITE_URL = "https://factures.exemple.gouv.fr"
    register_until_sent(client)
    body = emails_to("nouveau@exemple.fr")[0].body_text
    assert "https://factures.exemple.gouv.fr/compte/activation/" in body


def test_structure_created_meanwhile_by_another_activation_gives_a_rattachement(
    client: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Two activations for one SIRET at the same instant: the unique constraint refuses the
    second structure, and that registration becomes a rattachement request, not an error."""
    from choeur.accounts import selectors

    register_until_sent(client)
    rival = structure_with_manager()
    calls = {"n": 0}
    real = selectors.structure_get_by_identifier

    def not_yet(**kwargs: Any) -> Any:
        calls["n"] += 1
        return None if calls["n"] == 1 else real(**kwargs)  # the first look misses the rival

    monkeypatch.setattr(selectors, "structure_get_by_identifier", not_yet)
    assert client.post(activation_link("nouveau@exemple.fr"), ACTIVATION).status_code == 302
    rattachement = Rattachement.objects.get(user__email="nouveau@exemple.fr")
    assert rattachement.structure == rival
    assert rattachement.status == RattachementStatus.EN_COURS_DE_VALIDATION


def test_a_deactivated_structure_cannot_be_joined(client: Client) -> None:
    structure = structure_with_manager()
    structure.is_active = False
    structure.save()
    response = client.post("/compte/inscription/", {"email": "a@exemple.fr", "siret": SIRET})
    assert "désactivée sur la plateforme" in text(response)
    assert "registration" not in client.session


def test_first_user_of_a_public_structure_gets_factures_recues(client: Client) -> None:
    Structure.objects.create(
        identifier_type="SIRET", identifier=SIRET, raison_sociale="COMMUNE DE TEST", is_public=True
    )
    start(client)
    register_until_sent(client, details={k: "" for k in DETAILS if k.startswith("structure-")})
    client.post(activation_link("nouveau@exemple.fr"), ACTIVATION)
    user = User.objects.get(email="nouveau@exemple.fr")
    opened = set(StructureEspace.objects.filter(is_open=True).values_list("espace", flat=True))
    assert {Espace.FACTURES_RECUES, Espace.SOLLICITATIONS_RECUES} <= opened
    subscribed = set(EspaceSubscription.objects.filter(user=user).values_list("espace", flat=True))
    assert Espace.FACTURES_RECUES in subscribed
    assert Espace.SOLLICITATIONS_RECUES in subscribed
