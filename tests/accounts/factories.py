"""Factories and helpers for the accounts tests."""

from __future__ import annotations

import re
from typing import Any

import factory
from django.test import Client

from choeur.accounts.models import User
from choeur.accounts.passwords import security_answer_hash
from choeur.directory.models import Etablissement, UniteLegale
from choeur.notifications.models import OutboxEmail
from choeur.structures.enums import IdentifierType, RattachementStatus, Role
from choeur.structures.models import Rattachement, Structure

PASSWORD = "Bonjour-2026"
SIRET = "84211943000010"  # DEMO_SUPPLIER_SIRET: Luhn-valid
CLOSED_SIRET = "39876543800013"
NON_DIFFUSIBLE_SIRET = "44455566800011"
LA_POSTE_SIRET = "35600000000001"  # digit sum 15: the La Poste exception, not Luhn


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"personne{n}@exemple.fr")
    first_name = "Camille"
    last_name = "Martin"
    security_question = "Dans quelle ville êtes-vous né(e) ?"
    security_answer = factory.LazyFunction(lambda: security_answer_hash("Bézier"))
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def saved(obj: User, create: bool, extracted: Any, **kwargs: Any) -> None:  # noqa: N805
        if create:
            obj.save()


def etablissement_create(
    siret: str,
    *,
    name: str = "MENUISERIE DUPONT ET FILS",
    etat: str = "A",
    diffusion: str = "O",
    categorie: str = "5499",
) -> Etablissement:
    UniteLegale.objects.update_or_create(
        siren=siret[:9],
        defaults={
            "denomination": name,
            "categorie_juridique": categorie,
            "statut_diffusion": diffusion,
        },
    )
    etab, _ = Etablissement.objects.update_or_create(
        siret=siret,
        defaults={
            "siren": siret[:9],
            "nic": siret[9:],
            "etat_administratif": etat,
            "statut_diffusion": diffusion,
            "numero_voie": "12",
            "type_voie": "RUE",
            "libelle_voie": "DES ARTISANS",
            "code_postal": "69003",
            "libelle_commune": "LYON",
            "is_siege": True,
        },
    )
    return etab


def structure_with_manager(siret: str = SIRET, *, manager: User | None = None) -> Structure:
    structure = Structure.objects.create(
        identifier_type=IdentifierType.SIRET,
        identifier=siret,
        raison_sociale="MENUISERIE DUPONT ET FILS",
        adresse="12 RUE DES ARTISANS",
        code_postal="69003",
        ville="LYON",
    )
    Rattachement.objects.create(
        user=manager or UserFactory(email="gestionnaire@exemple.fr"),
        structure=structure,
        role=Role.GESTIONNAIRE_PRINCIPAL,
        status=RattachementStatus.VALIDEE,
    )
    return structure


def emails_to(address: str) -> list[OutboxEmail]:
    return [e for e in OutboxEmail.objects.order_by("pk") if address in e.to]


def link_in(email: OutboxEmail, path: str) -> str:
    match = re.search(rf"https?://[^\s]+({re.escape(path)}[^/\s]+/)", email.body_text)
    assert match, f"pas de lien {path} dans : {email.body_text}"
    return match.group(1)


DETAILS = {
    "email_confirmation": "nouveau@exemple.fr",
    "last_name": "Dupont",
    "first_name": "Léa",
    "phone": "",
    "consent": "on",
    "captcha_question": "",
    "contact_email": "",
    "structure-raison_sociale": "MENUISERIE DUPONT ET FILS",
    "structure-adresse": "12 RUE DES ARTISANS",
    "structure-complement_adresse_1": "",
    "structure-code_postal": "69003",
    "structure-ville": "LYON",
    "structure-telephone": "0478000000",
    "structure-email": "",
    "structure-kind": "ENTREPRISE_PRIVEE",
    "structure-deposits_payment_requests": "on",
}
ESPACES_DEFAULT = {"FACTURES_EMISES": "on", "SOLLICITATIONS_EMISES": "on"}


def captcha_solved(client: Client) -> dict[str, str]:
    """Open step 2 and read the answer of the image it shows (the real captcha, no test mode)."""
    from captcha.models import CaptchaStore

    html = client.get("/compte/inscription/informations/").content.decode()
    match = re.search(r'name="captcha_0" value="([0-9a-f]+)"', html)
    assert match, "pas de captcha à l'étape 2"
    store = CaptchaStore.objects.get(hashkey=match.group(1))
    return {"captcha_0": store.hashkey, "captcha_1": store.response.upper()}


def details_data(client: Client, **changes: str) -> dict[str, str]:
    return {**DETAILS, **captcha_solved(client), **changes}


def register_until_sent(
    client: Client,
    *,
    email: str = "nouveau@exemple.fr",
    siret: str = SIRET,
    details: dict[str, str] | None = None,
    espaces: dict[str, str] | None = None,
) -> None:
    """Steps 1 to 3 through the pages."""
    response = client.post("/compte/inscription/", {"email": email, "siret": siret})
    assert response.status_code == 302, response.content.decode()[:3000]
    data = details_data(client, email_confirmation=email, **(details or {}))
    response = client.post("/compte/inscription/informations/", data)
    assert response.status_code == 302, response.content.decode()
    response = client.post(
        "/compte/inscription/espaces/", ESPACES_DEFAULT if espaces is None else espaces
    )
    assert response.status_code == 302


ACTIVATION = {
    "password1": PASSWORD,
    "password2": PASSWORD,
    "question_choice": "Dans quelle ville êtes-vous né(e) ?",
    "question_custom": "",
    "answer": "Saint-Étienne",
}


def activation_link(email: str) -> str:
    return link_in(emails_to(email)[-1], "/compte/activation/")
