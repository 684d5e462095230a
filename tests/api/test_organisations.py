"""/cpro/organisations/v1, the REST « Référentiel des organisations » (issue 14): its own
vocabulary, uuids and error families, as the real service answered the PHP client's tests
(spec/official/piste-gouv-fr/observed-live-responses.json). Every answer is also checked
against the OpenAPI document by tests/api/conftest.py."""

from __future__ import annotations

import base64
import json
from typing import Any

import pytest
from django.test import Client

from choeur.core.models import AuditLog
from choeur.structures.models import Service, Structure
from tests.api.conftest import ApiAccount, make_structure
from tests.shared import SPEC

pytestmark = pytest.mark.django_db

ORG = "/cpro/organisations/v1/"


def call(account: ApiAccount, method: str, path: str, payload: Any = None, **headers: str) -> Any:
    if not account.token:
        account.fetch_token()
    environ = {
        "HTTP_AUTHORIZATION": f"Bearer {account.token}",
        "HTTP_CPRO_ACCOUNT": account.cpro_account(),
        **headers,
    }
    send = getattr(account.client, method.lower())
    if payload is None:
        return send(path, **environ)
    return send(path, data=json.dumps(payload), content_type="application/json", **environ)


def uuid_of(account: ApiAccount, siret: str) -> str:
    response = call(account, "GET", ORG + f"structures/{siret}")
    assert response.status_code == 200, response.content
    return str(response.json()["uuid"])


def observed(call_prefix: str) -> list[dict[str, Any]]:
    data = json.loads((SPEC / "official/piste-gouv-fr/observed-live-responses.json").read_text())
    return [o for o in data["observations"] if o["call"].startswith(call_prefix)]


def test_healthcheck_is_an_empty_200_and_a_wrong_account_the_gateway_401(
    api_account: ApiAccount,
) -> None:
    response = call(api_account, "GET", ORG + "healthcheck")
    assert response.status_code == 200
    assert response.content == b""
    wrong = base64.b64encode(f"{api_account.login}:faux".encode()).decode()
    refused = call(api_account, "GET", ORG + "healthcheck", HTTP_CPRO_ACCOUNT=wrong)
    assert refused.status_code == 401
    expected = observed("GET /cpro/organisations/v1/healthcheck")[0]["response_body"]
    assert refused.json() == expected


def test_a_public_structure_by_siret_uuid_and_vat_number(
    api_account: ApiAccount, public_structure: Structure
) -> None:
    public_structure.numero_tva = "FR11110002011"
    public_structure.save()
    by_siret = call(api_account, "GET", ORG + "structures/11000201100044").json()
    assert by_siret["identifiant"] == "11000201100044"
    assert by_siret["typeIdentifiant"] == "0"  # a SIRET, as the real service answers it
    assert by_siret["typeOrganisation"] == "PUBLIC"
    assert by_siret["status"] == "ACTIVE"
    assert by_siret["codeServiceDoitEtreRenseigne"] is True
    assert by_siret["raisonSociale"] == "Ministère de la Culture"
    assert len(by_siret["uuid"]) == 32
    by_uuid = call(api_account, "GET", ORG + f"structures/{by_siret['uuid']}").json()
    by_vat = call(api_account, "GET", ORG + "structures/FR11110002011").json()
    assert by_uuid == by_siret == by_vat
    # The fields the PHP client reads from the live service, every one present.
    live = observed("GET /cpro/organisations/v1/structures/{uuid}")
    asserted = next(o for o in live if "response_fields_asserted" in o)
    assert set(asserted["response_fields_asserted"]) <= set(by_siret)


def test_identifiers_that_are_wrong_or_unknown_are_400_with_this_apis_errors(
    api_account: ApiAccount, public_structure: Structure
) -> None:
    wrong = call(api_account, "GET", ORG + "structures/no_exist_uuid")
    assert wrong.status_code == 400
    expected = observed("GET /cpro/organisations/v1/structures/{id}/services")[0]
    assert wrong.json()[0]["error"] == expected["response_body"][0]["error"]
    assert wrong.json()[0]["message"] == expected["response_body"][0]["message"]
    unknown = call(api_account, "GET", ORG + "structures/99999999999999")
    assert unknown.status_code == 400
    assert unknown.json()[0]["error"] == "NotFoundReference"
    service = call(api_account, "GET", ORG + "services/not_exist_service")
    assert service.status_code == 400
    live = observed("GET /cpro/organisations/v1/services/{uuid}")[0]["response_body"][0]
    assert service.json()[0]["error"] == live["error"]
    assert service.json()[0]["message"] == live["message"]


def test_another_private_structure_is_not_found(api_account: ApiAccount) -> None:
    make_structure("40483304800022", "Autre Fournisseur")
    response = call(api_account, "GET", ORG + "structures/40483304800022")
    assert response.status_code == 400
    assert response.json()[0]["error"] == "NotFoundReference"
    own = call(api_account, "GET", ORG + f"structures/{api_account.structure.identifier}")
    assert own.json()["typeOrganisation"] == "PRIVATE"


def test_services_of_a_structure_and_one_service_by_uuid(
    api_account: ApiAccount, public_structure: Structure
) -> None:
    structure_uuid = uuid_of(api_account, "11000201100044")
    services = call(api_account, "GET", ORG + f"structures/{structure_uuid}/services").json()
    assert {(s["codeService"], s["etatService"]) for s in services} == {
        ("SFACETAT", "ACTIF"),
        ("ANCIEN", "INACTIF"),
    }
    assert {s["rattachementOrganisation"] for s in services} == {structure_uuid}
    facturier = next(s for s in services if s["codeService"] == "SFACETAT")
    assert facturier["numeroEj"] is True
    one = call(api_account, "GET", ORG + f"services/{facturier['uuid']}")
    assert one.status_code == 200
    assert one.json() == facturier


def test_structure_search_with_fields_and_its_refusals(
    api_account: ApiAccount, public_structure: Structure
) -> None:
    make_structure("40483304800022", "Autre Fournisseur")  # private: never in the answers
    found = call(
        api_account, "POST", ORG + "structures/recherche", {"pays": "France", "_fields": ["uuid"]}
    ).json()
    assert len(found) == 2  # the public structure and the account's own
    assert all(set(row) == {"uuid"} for row in found)
    public = call(
        api_account,
        "POST",
        ORG + "structures/recherche",
        {"typeOrganisation": "PUBLIC", "_fields": ["raisonSociale", "numeroEjDoitEtreRenseigne"]},
    ).json()
    assert public == [
        {"raisonSociale": "Ministère de la Culture", "numeroEjDoitEtreRenseigne": False}
    ]
    by_name = call(
        api_account, "POST", ORG + "structures/recherche", {"libelleOrganisation": "culture"}
    ).json()
    assert [row["identifiant"] for row in by_name] == ["11000201100044"]
    nothing = call(api_account, "POST", ORG + "structures/recherche", {"identifiant": "1"}).json()
    assert nothing == []
    for refused, error in (
        ({}, "ParamsMissing"),
        ({"_fields": ["uuid"]}, "ParamsMissing"),
        ({"couleur": "bleu"}, "ParamsInvalid"),
        ({"pays": "France", "_fields": ["inconnu"]}, "ParamsInvalid"),
        ({"typeOrganisation": "MIXTE"}, "ParamsInvalid"),
        ({"avecMOA": "oui"}, "ParamsInvalid"),
        ({"pays": "France", "_sort": "couleur"}, "ParamsInvalid"),
    ):
        response = call(api_account, "POST", ORG + "structures/recherche", refused)
        assert response.status_code == 400, refused
        assert response.json()[0]["error"] == error, refused
        assert response.json()[0]["message"]


def test_service_search_by_structure(api_account: ApiAccount, public_structure: Structure) -> None:
    structure_uuid = uuid_of(api_account, "11000201100044")
    found = call(
        api_account,
        "POST",
        ORG + "services/recherche",
        {"rattachementOrganisation": structure_uuid, "etatService": "ACTIF", "_fields": ["uuid"]},
    ).json()
    service = Service.objects.get(structure=public_structure, code="SFACETAT")
    assert found == [{"uuid": f"5e0c0002{service.pk:024x}"}]


def test_edi_settings_change_only_on_the_accounts_own_structure(
    api_account: ApiAccount, public_structure: Structure
) -> None:
    own = uuid_of(api_account, api_account.structure.identifier)
    changed = call(
        api_account,
        "PATCH",
        ORG + f"structures/{own}/parametres-edi",
        {"reception_edi": True, "connexion_edi": True},
    )
    assert changed.status_code == 200, changed.content
    assert changed.json()["recevoirCyclesViesEdi"] is True
    assert changed.json()["emetteurFluxEdi"] is True
    api_account.structure.refresh_from_db()
    assert api_account.structure.edi_receiver and api_account.structure.edi_emitter
    assert AuditLog.objects.filter(action="structure.edi_settings").count() == 1

    other = uuid_of(api_account, "11000201100044")
    forbidden = call(
        api_account, "PATCH", ORG + f"structures/{other}/parametres-edi", {"reception_edi": True}
    )
    assert forbidden.status_code == 403
    public_structure.refresh_from_db()
    assert public_structure.edi_receiver is False
    wrong = call(
        api_account, "PATCH", ORG + f"structures/{own}/parametres-edi", {"reception_edi": "oui"}
    )
    assert wrong.status_code == 400
    empty = call(api_account, "PATCH", ORG + f"structures/{own}/parametres-edi", {})
    assert empty.status_code == 400
    assert AuditLog.objects.filter(action="structure.edi_settings").count() == 1


def test_pieces_of_the_accounts_structure(api_account: ApiAccount) -> None:
    added = api_account.post(
        "/cpro/transverses/v1/ajouter/fichier",
        {
            "pieceJointeFichier": base64.b64encode(b"bon de livraison").decode(),
            "pieceJointeNom": "livraison.txt",
            "pieceJointeTypeMime": "text/plain",
            "pieceJointeExtension": "TXT",
        },
    )
    assert added.status_code == 200, added.content
    own = uuid_of(api_account, api_account.structure.identifier)
    pieces = call(api_account, "GET", ORG + f"structures/{own}/pieces_jointes").json()
    assert [(p["nom"], p["extension"], p["taille"]) for p in pieces] == [
        ("livraison.txt", "TXT", len(b"bon de livraison"))
    ]
    one = call(api_account, "GET", ORG + f"structures/{own}/pieces_jointes/{pieces[0]['uuid']}")
    assert base64.b64decode(one.json()["fichier"]) == b"bon de livraison"
    unknown = call(api_account, "GET", ORG + f"structures/{own}/pieces_jointes/{'0' * 32}")
    assert unknown.status_code == 400 and unknown.json()[0]["error"] == "NotFoundReference"


def test_an_unknown_path_is_json(client: Client) -> None:
    response = client.get(ORG + "inconnu/chemin")
    assert response.status_code in (401, 404)
    assert response["Content-Type"].startswith("application/json")
