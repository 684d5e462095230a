from __future__ import annotations

import csv
import io
from html import unescape

import pytest
from django.test import Client
from django.urls import reverse

from choeur.structures.enums import IdentifierType, StructureKind
from choeur.structures.models import Service, Structure

pytestmark = pytest.mark.django_db


def public(identifier: str, name: str, **values: object) -> Structure:
    defaults: dict[str, object] = {
        "identifier_type": IdentifierType.SIRET,
        "identifier": identifier,
        "raison_sociale": name,
        "kind": StructureKind.STRUCTURE_PUBLIQUE,
        "is_public": True,
        "code_postal": "69003",
        "ville": "LYON",
    }
    return Structure.objects.create(**(defaults | values))


@pytest.fixture
def structures() -> dict[str, Structure]:
    commune = public("21690123400019", "COMMUNE DE LYON", code_service_required=True)
    Service.objects.create(
        structure=commune, code="DST", name="Services techniques", engagement_required=True
    )
    Service.objects.create(structure=commune, code="ACHATS", name="Achats")
    Service.objects.create(structure=commune, code="FERME", name="Service fermé", is_active=False)
    hopital = public(
        "26690001200011",
        "CENTRE HOSPITALIER DE VILLEURBANNE",
        engagement_required=True,
        code_postal="69100",
        ville="VILLEURBANNE",
    )
    lycee = public(
        "19690002000016",
        "LYCEE JEAN MOULIN",
        engagement_or_service_required=True,
        code_postal="75005",
        ville="PARIS 5",
        payment_status_reported=False,
    )
    office = public("21450123400012", "OFFICE DE TOURISME", code_postal="45000", ville="ORLEANS")
    closed = public("21450987600014", "COMMUNE FUSIONNEE", is_active=False)
    private = Structure.objects.create(
        identifier_type="SIRET", identifier="84211943000010", raison_sociale="COMMUNE PRIVEE SARL"
    )
    return {
        "commune": commune,
        "hopital": hopital,
        "lycee": lycee,
        "office": office,
        "closed": closed,
        "private": private,
    }


def names(response) -> list[str]:  # type: ignore[no-untyped-def]
    return [s.raison_sociale for s, _req in response.context["rows"]]


def test_search_page_is_public_and_lists_active_public_structures(
    client: Client, structures: dict[str, Structure]
) -> None:
    response = client.get(reverse("directory:search"))
    assert response.status_code == 200
    assert names(response) == [
        "CENTRE HOSPITALIER DE VILLEURBANNE", "COMMUNE DE LYON", "LYCEE JEAN MOULIN", "OFFICE DE TOURISME",
    ]  # fmt: skip
    html = unescape(response.content.decode())
    assert reverse("directory:download_structures") in html
    assert "Télécharger l'annuaire" in html


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"q": "lyon"}, ["COMMUNE DE LYON"]),
        ({"q": "commune lyon"}, ["COMMUNE DE LYON"]),
        ({"q": "690001"}, ["CENTRE HOSPITALIER DE VILLEURBANNE"]),  # any part of the SIRET
        ({"q": "216 901"}, ["COMMUNE DE LYON"]),
        ({"lieu": "69"}, ["CENTRE HOSPITALIER DE VILLEURBANNE", "COMMUNE DE LYON"]),
        ({"lieu": "villeurbanne"}, ["CENTRE HOSPITALIER DE VILLEURBANNE"]),
        ({"q": "commune", "lieu": "45000"}, []),
        ({"q": "office", "lieu": "45000"}, ["OFFICE DE TOURISME"]),
        ({"q": "sarl"}, []),  # private structures are not in the directory
    ],
)
def test_search_criteria(
    client: Client, structures: dict[str, Structure], params: dict[str, str], expected: list[str]
) -> None:
    response = client.get(reverse("directory:search"), params)
    assert names(response) == expected


def test_short_siret_gets_a_clear_message(client: Client, structures: dict[str, Structure]) -> None:
    response = client.get(reverse("directory:search"), {"q": "21"})
    assert response.context["page"] is None
    assert "Saisissez au moins 3 chiffres du numéro SIRET, ou un nom." in response.content.decode()


def test_no_result_says_so(client: Client, structures: dict[str, Structure]) -> None:
    html = unescape(client.get(reverse("directory:search"), {"q": "inexistant"}).content.decode())
    assert "Aucune structure publique ne correspond" in html


def test_pagination_keeps_the_criteria(client: Client) -> None:
    for i in range(45):
        from choeur.directory.identifiers import luhn_complete

        public(luhn_complete(f"2169{i:09d}"), f"COMMUNE NUMERO {i:02d}")
    response = client.get(reverse("directory:search"), {"q": "commune", "page": "3"})
    assert names(response) == [f"COMMUNE NUMERO {i}" for i in range(40, 45)]
    html = unescape(response.content.decode())
    assert "Page 3 sur 3" in html
    assert "?q=commune&page=2" in html


def test_structure_page_answers_what_the_invoice_must_carry(
    client: Client, structures: dict[str, Structure]
) -> None:
    html = unescape(
        client.get(reverse("directory:structure", args=["21690123400019"])).content.decode()
    )
    assert "Que dois-je mettre sur ma facture ?" in html
    assert "Le code service est obligatoire" in html
    assert "<code>DST</code>" in html and "<code>ACHATS</code>" in html
    assert "FERME" not in html  # inactive services are not offered
    assert "Certains services exigent en plus un numéro d'engagement" in html


@pytest.mark.parametrize(
    ("key", "sentence"),
    [
        ("hopital", "Le numéro d'engagement est obligatoire"),
        (
            "lycee",
            "Indiquez un code service ou un numéro d'engagement : l'un ou l'autre suffit.",
        ),
        ("office", "Aucune mention obligatoire"),
        ("closed", "Cette structure est inactive"),
    ],
)
def test_each_kind_of_requirement_is_spelt_out(
    client: Client, structures: dict[str, Structure], key: str, sentence: str
) -> None:
    html = unescape(
        client.get(
            reverse("directory:structure", args=[structures[key].identifier])
        ).content.decode()
    )
    assert sentence in html


def test_payment_status_is_stated(client: Client, structures: dict[str, Structure]) -> None:
    html = unescape(
        client.get(reverse("directory:structure", args=["19690002000016"])).content.decode()
    )
    assert "n'indique pas sur la plateforme la mise en paiement" in html


def test_private_or_unknown_structure_is_not_found(
    client: Client, structures: dict[str, Structure]
) -> None:
    assert client.get(reverse("directory:structure", args=["84211943000010"])).status_code == 404
    assert client.get(reverse("directory:structure", args=["00000000000000"])).status_code == 404


def test_downloads_are_the_import_format(client: Client, structures: dict[str, Structure]) -> None:
    response = client.get(reverse("directory:download_structures"))
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert "attachment" in response["Content-Disposition"]
    text = b"".join(response.streaming_content).decode("utf-8-sig")  # type: ignore[attr-defined]
    rows = list(csv.reader(io.StringIO(text), delimiter=";"))
    assert rows[0][:3] == ["TypeIdentifiant", "Identifiant", "RaisonSociale"]
    assert len(rows) == 6  # header + the 5 public structures, inactive included
    services = client.get(reverse("directory:download_services"))
    text = b"".join(services.streaming_content).decode("utf-8-sig")  # type: ignore[attr-defined]
    assert "SIRET;21690123400019;DST;Services techniques;true;true" in text


def test_post_is_refused(client: Client) -> None:
    assert client.post(reverse("directory:search")).status_code == 405
