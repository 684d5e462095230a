"""XP Z12-013 Directory Service 1.3.0: every call goes through the client written from the
document (tests/api/afnor_directory_client.py), which checks each answer against it."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from choeur.directory.models import Etablissement, UniteLegale
from choeur.directory.text import search_key
from choeur.structures.models import Service, Structure
from tests.api.afnor_directory_client import DirectoryClient, operation
from tests.api.conftest import ApiAccount, make_structure

BASE = "/afnor/directory-service"
BEAUMONT = "12345678200028"  # a public structure that the Sirene base does not know


def unite(siren: str, name: str = "", **values: Any) -> UniteLegale:
    return UniteLegale.objects.create(
        siren=siren, denomination=name, search_name=search_key(name or values.get("nom", "")),
        **values,
    )  # fmt: skip


def etab(siret: str, **values: Any) -> Etablissement:
    return Etablissement.objects.create(siret=siret, siren=siret[:9], nic=siret[9:], **values)


@pytest.fixture
def directory(api_account: ApiAccount, public_structure: Structure) -> DirectoryClient:
    unite("732829320", "MENUISERIE DURAND", categorie_juridique="5499")
    etab(
        "73282932000074", is_siege=True, numero_voie="12", type_voie="RUE",
        libelle_voie="DES LILAS", code_postal="75011", libelle_commune="PARIS 11",
    )  # fmt: skip
    etab("73282932000090", code_postal="69003", libelle_commune="LYON", libelle_voie="DU PORT")
    unite("110002011", "MINISTERE DE LA CULTURE", categorie_juridique="7113")
    etab("11000201100044", is_siege=True, code_postal="75001", libelle_commune="PARIS 1")
    unite("444555668", nom="LEROY", prenom="CLAIRE", statut_diffusion="P")
    etab(
        "44455566800011", statut_diffusion="P", numero_voie="5", type_voie="IMP",
        libelle_voie="DES ROSES", code_postal="33000", libelle_commune="BORDEAUX",
    )  # fmt: skip
    unite("398765438", "IMPRIMERIE MOREAU", etat_administratif="C")
    etab("39876543800013", etat_administratif="F", code_postal="59000")
    beaumont = make_structure(
        BEAUMONT, "COMMUNE DE BEAUMONT-SUR-LOIRE", public=True, engagement_required=True,
        payment_status_reported=True,
    )  # fmt: skip
    Service.objects.create(
        structure=beaumont, code="TRAVAUX", name="Travaux", engagement_required=True
    )
    Service.objects.create(structure=beaumont, code="ACHATS", name="Achats")
    Service.objects.create(structure=beaumont, code="CODE AVEC ESPACE", name="Hors norme")
    return DirectoryClient(api_account.client, base_url=BASE, token=api_account.fetch_token())


def ok(answer: Any) -> Any:
    assert answer.status == 200, answer.body
    return answer.body


# --- SIREN ----------------------------------------------------------------------------------


def test_siren_search_by_name_finds_accents_and_case_insensitively(
    directory: DirectoryClient,
) -> None:
    body = ok(
        directory.call(
            "searchCompanyBySiren",
            body={"filters": {"businessName": {"op": "contains", "value": "ministère"}}},
        )
    )
    assert body["totalNumberOfResults"] == 1
    [ministry] = body["results"]
    assert ministry == {
        "siren": "110002011",
        "businessName": "MINISTERE DE LA CULTURE",
        "entityType": "Public",
        "administrativeStatus": "A",
        "instructions": {"isSalesProspectingForbidden": False},
    }
    assert body["search"]["limit"] == 50 and body["search"]["ignore"] == 0


def test_siren_search_pages_with_limit_and_ignore_and_sorts(directory: DirectoryClient) -> None:
    every = directory.search_all("searchCompanyBySiren", {}, page=2)
    assert [u["siren"] for u in every] == ["110002011", "398765438", "444555668", "732829320"]
    body = ok(
        directory.call(
            "searchCompanyBySiren",
            body={"sorting": [{"field": "siren", "order": "descending"}], "limit": 1, "ignore": 1},
        )
    )
    assert body["totalNumberOfResults"] == 4
    assert [u["siren"] for u in body["results"]] == ["444555668"]


def test_siren_filters_entity_type_and_status(directory: DirectoryClient) -> None:
    def sirens(filters: dict[str, Any]) -> list[str]:
        body = ok(directory.call("searchCompanyBySiren", body={"filters": filters}))
        return [u["siren"] for u in body["results"]]

    assert sirens({"entityType": {"op": "strict", "value": "Public"}}) == ["110002011"]
    assert "732829320" in sirens({"entityType": {"op": "strict", "value": "PrivateVatRegistered"}})
    assert sirens({"administrativeStatus": {"op": "strict", "value": "C"}}) == ["398765438"]
    assert sirens({"siren": {"op": "strict", "value": "732829320"}}) == ["732829320"]
    assert sirens({"businessName": {"op": "startWith", "value": "menuis"}}) == ["732829320"]
    assert sirens({"businessName": {"op": "strict", "value": "menuiserie"}}) == []


def test_siren_consult_fields_and_unknown(directory: DirectoryClient) -> None:
    body = ok(
        directory.call(
            "getCompanyBySiren",
            path={"siren": "444555668"},
            query={"fields": ["siren", "instructions"]},
        )
    )
    assert body == {"siren": "444555668", "instructions": {"isSalesProspectingForbidden": True}}
    # A public structure that Sirene does not know is found by its SIREN.
    beaumont = ok(directory.call("getCompanyBySiren", path={"siren": BEAUMONT[:9]}))
    assert beaumont["entityType"] == "Public"
    missing = directory.call("getCompanyBySiren", path={"siren": "999999999"})
    assert missing.status == 404 and missing.body["errorCode"] == "MISSING_RESOURCE"
    bad = directory.call("getCompanyBySiren", path={"siren": "12AB"}, check_request=False)
    assert bad.status == 400 and "9 chiffres" in bad.body["errorMessage"]


# --- SIRET ----------------------------------------------------------------------------------


def test_siret_search_includes_the_legal_unit_and_hides_non_diffusible_addresses(
    directory: DirectoryClient,
) -> None:
    body = ok(
        directory.call(
            "searchFacilityBySiret",
            body={
                "filters": {"siren": {"op": "strict", "value": "732829320"}},
                "include": ["siren"],
            },
        )
    )
    main, lyon = body["results"]
    assert main["facilityType"] == "P" and lyon["facilityType"] == "S"
    assert main["address"] == {
        "addressLine1": "12 RUE DES LILAS",
        "postalCode": "75011",
        "locality": "PARIS 11",
        "countryCode": "FR",
        "countryName": "France",
    }
    assert main["legalUnit"]["businessName"] == "MENUISERIE DURAND"
    assert "b2gAdditionalData" not in main
    hidden = ok(directory.call("getFacilityBySiret", path={"siret": "44455566800011"}))
    assert "address" not in hidden
    assert hidden["siretInstructions"] == {"isSalesProspectingForbidden": True}
    found = ok(
        directory.call(
            "searchFacilityBySiret",
            body={"filters": {"addressLines": {"op": "contains", "value": "roses"}}},
        )
    )
    assert found["results"] == []  # never found by the address it hides


def test_siret_filters(directory: DirectoryClient) -> None:
    def sirets(filters: dict[str, Any]) -> list[str]:
        body = ok(directory.call("searchFacilityBySiret", body={"filters": filters}))
        return [f["siret"] for f in body["results"]]

    assert sirets({"postalCode": {"op": "startWith", "value": "69"}}) == ["73282932000090"]
    assert sirets({"locality": {"op": "strict", "value": "lyon"}}) == ["73282932000090"]
    assert sirets({"addressLines": {"op": "startWith", "value": "12 rue des"}}) == [
        "73282932000074"
    ]
    assert sirets({"administrativeStatus": {"op": "strict", "value": "C"}}) == ["39876543800013"]
    assert sirets({"name": {"op": "contains", "value": "culture"}}) == ["11000201100044"]
    assert sirets({"facilityType": {"op": "strict", "value": "P"}}) == [
        "11000201100044",
        "73282932000074",
    ]
    region = directory.call(
        "searchFacilityBySiret",
        body={"filters": {"countrySubdivision": {"op": "strict", "value": "Bretagne"}}},
    )
    assert region.status == 501 and region.body["errorCode"] == "NOT_IMPLEMENTED"


def test_siret_of_a_public_structure_carries_its_b2g_data(directory: DirectoryClient) -> None:
    ministry = ok(directory.call("getFacilityBySiret", path={"siret": "11000201100044"}))
    assert ministry["b2gAdditionalData"]["serviceCodeStatus"] is True
    beaumont = ok(
        directory.call(
            "getFacilityBySiret",
            path={"siret": BEAUMONT},
            query={"fields": ["siret", "managesLegalCommitment"], "include": ["siren"]},
        )
    )
    assert beaumont["siret"] == BEAUMONT
    assert beaumont["b2gAdditionalData"] == {"managesLegalCommitmentCode": True}
    assert beaumont["legalUnit"]["businessName"] == "COMMUNE DE BEAUMONT-SUR-LOIRE"


# --- routing codes --------------------------------------------------------------------------


def test_routing_codes_are_the_services_of_the_public_structures(
    directory: DirectoryClient,
) -> None:
    body = ok(
        directory.call(
            "searchRoutingCode",
            body={"filters": {"siret": {"op": "strict", "value": BEAUMONT}}, "include": ["siret"]},
        )
    )
    # The service whose code breaks the document's pattern is not published.
    assert [r["routingIdentifier"] for r in body["results"]] == ["ACHATS", "TRAVAUX"]
    travaux = body["results"][1]
    assert travaux["managesLegalCommitmentCode"] is True
    assert travaux["facility"]["siret"] == BEAUMONT
    inactive = ok(
        directory.call(
            "searchRoutingCode",
            body={"filters": {"administrativeStatus": {"op": "strict", "value": "C"}}},
        )
    )
    assert [r["routingIdentifier"] for r in inactive["results"]] == ["ANCIEN"]
    one = ok(
        directory.call(
            "getRoutingCodeBySiretAndId",
            path={"siret": "11000201100044", "routing-identifier": "SFACETAT"},
            query={"include": ["siren"]},
        )
    )
    assert one["routingCodeName"] == "Service facturier"
    assert one["legalUnit"]["siren"] == "110002011"
    missing = directory.call(
        "getRoutingCodeBySiretAndId", path={"siret": BEAUMONT, "routing-identifier": "SFACETAT"}
    )
    assert missing.status == 404


# --- directory lines ------------------------------------------------------------------------


def test_directory_lines_of_a_public_structure(directory: DirectoryClient) -> None:
    body = ok(
        directory.call(
            "searchDirectoryLine",
            body={
                "filters": {"siren": {"op": "strict", "value": BEAUMONT[:9]}},
                "include": ["routingCode"],
            },
        )
    )
    assert [line["addressingIdentifier"] for line in body["results"]] == [
        f"{BEAUMONT[:9]}_{BEAUMONT}",
        f"{BEAUMONT[:9]}_{BEAUMONT}_ACHATS",
        f"{BEAUMONT[:9]}_{BEAUMONT}_TRAVAUX",
    ]
    assert body["totalNumberOfResults"] == 3
    siret_line, _achats, travaux = body["results"]
    assert siret_line["directoryLineStatus"] == "Enabled" and "routingIdentifier" not in siret_line
    assert travaux["routingCode"]["managesLegalCommitment"] is True
    assert travaux["platformType"] == "WK"

    by_code = ok(
        directory.call(
            "searchDirectoryLine",
            body={"filters": {"routingIdentifier": {"op": "strict", "value": "ANCIEN"}}},
        )
    )
    [old] = by_code["results"]
    assert old["directoryLineStatus"] == "Disabled"
    suffix = ok(
        directory.call(
            "searchDirectoryLine",
            body={"filters": {"addressingSuffix": {"op": "contains", "value": "X"}}},
        )
    )
    assert suffix["results"] == [] and suffix["totalNumberOfResults"] == 0


def test_a_service_not_yet_or_no_longer_valid(directory: DirectoryClient) -> None:
    """A service's validity dates: Upcoming before it starts, Disabled (status C) after it ends."""
    today = timezone.localdate()
    beaumont = Structure.objects.get(identifier=BEAUMONT)
    Service.objects.create(
        structure=beaumont, code="FUTUR", name="Futur", start_date=today + dt.timedelta(days=30)
    )
    Service.objects.create(
        structure=beaumont, code="FINI", name="Fini", end_date=today - dt.timedelta(days=1)
    )
    body = ok(
        directory.call(
            "searchDirectoryLine",
            body={"filters": {"siret": {"op": "strict", "value": BEAUMONT}}},
        )
    )
    status = {
        line.get("routingIdentifier"): line["directoryLineStatus"] for line in body["results"]
    }
    assert status["FUTUR"] == "Upcoming" and status["FINI"] == "Disabled"
    assert status["TRAVAUX"] == "Enabled"
    # Consulted, a line answers its status now: Enabled or Disabled (the document's enum).
    futur = ok(
        directory.call(
            "getDirectoryLineById",
            path={"addressing-identifier": f"{BEAUMONT[:9]}_{BEAUMONT}_FUTUR"},
        )
    )
    assert futur["directoryLineStatus"] == "Disabled"
    closed = ok(
        directory.call(
            "searchRoutingCode",
            body={
                "filters": {
                    "siret": {"op": "strict", "value": BEAUMONT},
                    "administrativeStatus": {"op": "strict", "value": "C"},
                }
            },
        )
    )
    assert [r["routingIdentifier"] for r in closed["results"]] == ["FINI", "FUTUR"]


def test_directory_line_consult(directory: DirectoryClient) -> None:
    ident = f"{BEAUMONT[:9]}_{BEAUMONT}_TRAVAUX"
    line = ok(
        directory.call(
            "getDirectoryLineById",
            path={"addressing-identifier": ident},
            query={"include": ["siren", "siret", "routingCode"]},
        )
    )
    assert line["routingIdentifier"] == "TRAVAUX"
    assert line["facility"]["b2gAdditionalData"]["managesLegalCommitmentCode"] is True
    assert line["legalUnit"]["entityType"] == "Public"
    only = ok(
        directory.call(
            "getDirectoryLineById",
            path={"addressing-identifier": ident},
            query={"fields": ["addressingIdentifier"]},
        )
    )
    assert only == {"addressingIdentifier": ident}
    for unknown in (f"{BEAUMONT[:9]}_{BEAUMONT}_NOPE", "732829320_73282932000074", "x"):
        answer = directory.call("getDirectoryLineById", path={"addressing-identifier": unknown})
        assert answer.status == 404, unknown


def test_an_erp_finds_where_to_address_an_invoice(directory: DirectoryClient) -> None:
    """The scenario of the issue: by the buyer's name, its SIRET, then the line to address."""
    companies = ok(
        directory.call(
            "searchCompanyBySiren",
            body={
                "filters": {
                    "businessName": {"op": "contains", "value": "beaumont"},
                    "entityType": {"op": "strict", "value": "Public"},
                }
            },
        )
    )
    # Beaumont is not in the Sirene base: the ERP goes by routing codes instead.
    assert companies["results"] == []
    codes = ok(
        directory.call(
            "searchRoutingCode",
            body={
                "filters": {
                    "routingCodeName": {"op": "contains", "value": "travaux"},
                    "administrativeStatus": {"op": "strict", "value": "A"},
                },
                "fields": ["siret", "routingIdentifier"],
            },
        )
    )
    [code] = codes["results"]
    assert code == {"siret": BEAUMONT, "routingIdentifier": "TRAVAUX"}
    lines = ok(
        directory.call(
            "searchDirectoryLine",
            body={
                "filters": {
                    "siret": {"op": "strict", "value": code["siret"]},
                    "routingIdentifier": {"op": "strict", "value": code["routingIdentifier"]},
                }
            },
        )
    )
    [line] = lines["results"]
    assert line["directoryLineStatus"] == "Enabled"
    assert line["addressingIdentifier"] == f"{BEAUMONT[:9]}_{BEAUMONT}_TRAVAUX"


# --- errors and security --------------------------------------------------------------------


def test_without_a_valid_token_nothing_is_read(directory: DirectoryClient) -> None:
    for token in ("", "not-a-token"):
        answer = directory.call("searchCompanyBySiren", body={}, token=token)
        assert answer.status == 401, token
        assert answer.body["errorCode"] in {"MISSING_TOKEN", "INVALID_TOKEN"}


def test_healthcheck_answers_without_a_token(directory: DirectoryClient) -> None:
    # The document gives this operation no 401: only 200, 500 and 503.
    assert directory.call("getHealth", token="").status == 200


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({"filters": {"unknown": {"value": "x"}}}, "Filtre « unknown » inconnu"),
        ({"filters": {"siren": {"op": "contains", "value": "1"}}}, "Opérateur « contains »"),
        ({"filters": {"siren": {"op": "strict"}}}, "n'a pas de valeur"),
        ({"filters": {"siren": {"op": "strict", "value": "12a"}}}, "que des chiffres"),
        ({"filters": {"entityType": {"value": "Private"}}}, "inconnue pour le filtre"),
        ({"limit": 0}, "« limit » doit être un entier entre 1 et 1000"),
        ({"ignore": -1}, "« ignore »"),
        ({"sorting": [{"field": "nope"}]}, "Chaque tri"),
        ({"fields": ["nope"]}, "« nope » n'est pas une valeur admise"),
        ({"include": ["siren"]}, "Propriété « include » inconnue"),
        ({"filters": {"businessName": {"value": "a\x00b"}}}, "caractère de contrôle"),
    ],
)
def test_bad_searches_are_refused_in_french(
    directory: DirectoryClient, body: dict[str, Any], message: str
) -> None:
    answer = directory.call("searchCompanyBySiren", body=body, check_request=False)
    assert answer.status == 400, answer.body
    assert message in answer.body["errorMessage"]


def test_unreadable_bodies_unknown_paths_and_methods_answer_json(
    api_account: ApiAccount, directory: DirectoryClient
) -> None:
    client: Client = api_account.client
    auth = {"HTTP_AUTHORIZATION": f"Bearer {directory.token}"}
    template, method, _op = operation("searchCompanyBySiren")
    unreadable = client.generic(method, BASE + template, b"{not json", "application/json", **auth)
    assert unreadable.status_code == 400 and unreadable.json()["errorCode"] == "INVALID_REQUEST"
    listed = client.generic(method, BASE + template, b"[1]", "application/json", **auth)
    assert listed.status_code == 400
    wrong_method = client.get(BASE + template, **auth)
    assert wrong_method.status_code == 405 and wrong_method.json()["errorCode"]
    nul = client.get(BASE + "/v1/directory-line/code:a%00b", **auth)
    assert nul.status_code == 400 and "caractère de contrôle" in nul.json()["errorMessage"]
    unknown = client.get(BASE + "/v1/nothing-here", **auth)
    assert unknown.status_code == 404 and unknown.json()["errorCode"] == "MISSING_RESOURCE"
    assert unknown["Content-Type"].startswith("application/json")


def test_the_client_checks_answers_against_the_document() -> None:
    from tests.api.afnor_directory_client import document, resolve, validate

    schema = resolve(document()["components"]["schemas"]["directoryLineStatus"])
    # The document's own contradiction the client tolerates, and only that one.
    assert "Disabled" in schema["enum"] and schema["maxLength"] == 7
    validate("Disabled", schema)
    with pytest.raises(Exception, match="is not one of"):
        validate("Gone", schema)
    line = resolve(document()["components"]["schemas"]["siren"])
    with pytest.raises(Exception, match="does not match"):
        validate("12345678", line)


JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=12),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3)
    ),
    max_leaves=8,
)
FILTER_NAMES = st.sampled_from(
    ["siren", "siret", "businessName", "name", "routingIdentifier", "addressingIdentifier", "x"]
)
BODIES = st.fixed_dictionaries(
    {},
    optional={
        "filters": st.dictionaries(
            FILTER_NAMES,
            st.fixed_dictionaries(
                {"value": st.text(max_size=20) | JSON},
                optional={"op": st.sampled_from(["strict", "contains", "startWith", "?"])},
            ),
            max_size=3,
        ),
        "limit": JSON,
        "ignore": JSON,
        "sorting": JSON,
        "fields": JSON,
        "include": JSON,
    },
)


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    operation_id=st.sampled_from(
        [
            "searchCompanyBySiren",
            "searchFacilityBySiret",
            "searchRoutingCode",
            "searchDirectoryLine",
        ]
    ),
    body=BODIES,
)
def test_no_search_body_gets_a_500_or_an_answer_outside_the_document(
    directory: DirectoryClient, operation_id: str, body: dict[str, Any]
) -> None:
    answer = directory.call(operation_id, body=body, check_request=False)  # checks the answer
    assert answer.status in {200, 400, 501}, answer.body
