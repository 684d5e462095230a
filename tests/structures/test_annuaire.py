from __future__ import annotations

import io
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from choeur.structures.annuaire import (
    SERVICE_COLUMNS,
    STRUCTURE_COLUMNS,
    AnnuaireImportError,
    annuaire_import,
    export_services,
    export_structures,
)
from choeur.structures.models import Service, Structure
from tests.shared import SPEC

pytestmark = pytest.mark.django_db

SIRET = "21750001600019"
SIRET_2 = "13000401300012"
MATELAS = SPEC / "official/piste-gouv-fr/test/matelas_donnees-structure_2024.csv"


def structure_line(identifier: str = SIRET, **overrides: str) -> str:
    values = dict.fromkeys(STRUCTURE_COLUMNS, "false")
    values.update(
        TypeIdentifiant="SIRET",
        Identifiant=identifier,
        RaisonSociale="COMMUNE DE TESTVILLE",
        GestionStatutMiseEnPaiement="true",
        GestionService="true",
        StructureActive="true",
        Adresse="1 PLACE DE LA MAIRIE",
        ComplementAdresse1="",
        ComplementAdresse2="",
        CodePostal="45000",
        Ville="ORLEANS",
        NumTelephone="0238000000",
        Courriel="factures@testville.fr",
        CodePays="FR",
        LibellePays="France",
    )
    values.update(overrides)
    return ";".join(values[c] for c in STRUCTURE_COLUMNS)


def structures_file(*lines: str) -> tuple[str, bytes]:
    return ("structures.csv", ("\n".join([";".join(STRUCTURE_COLUMNS), *lines]) + "\n").encode())


def services_file(*lines: str) -> tuple[str, bytes]:
    return ("services.csv", ("\n".join([";".join(SERVICE_COLUMNS), *lines]) + "\n").encode())


def test_import_creates_structures_and_services_then_updates() -> None:
    result = annuaire_import(
        files=[
            structures_file(
                structure_line(),
                structure_line(
                    SIRET_2, RaisonSociale="ETAT", GestionService="0", GestionEngagement="oui"
                ),
            ),
            services_file(
                f"SIRET;{SIRET};DST;Direction des services techniques;true;true",
                f"SIRET;{SIRET};ACHATS;Achats;false;false",
            ),
        ]
    )
    assert (result.structures_created, result.services_created) == (2, 2)
    commune = Structure.objects.get(identifier=SIRET)
    assert commune.is_public and commune.kind == "STRUCTURE_PUBLIQUE"
    assert commune.code_service_required and not commune.engagement_required
    assert commune.payment_status_reported and commune.is_active
    assert (commune.email, commune.code_postal, commune.ville) == (
        "factures@testville.fr",
        "45000",
        "ORLEANS",
    )
    etat = Structure.objects.get(identifier=SIRET_2)
    assert etat.engagement_required and not etat.code_service_required
    dst = Service.objects.get(structure=commune, code="DST")
    assert dst.engagement_required and dst.is_active
    assert not Service.objects.get(structure=commune, code="ACHATS").is_active

    result = annuaire_import(
        files=[
            structures_file(
                structure_line(GestionService="false", GestionServiceEngagement="true")
            ),
            services_file(f"SIRET;{SIRET};ACHATS;Service des achats;false;true"),
        ]
    )
    assert (result.structures_created, result.structures_updated) == (0, 1)
    assert (result.services_created, result.services_updated) == (0, 1)
    commune.refresh_from_db()
    assert commune.engagement_or_service_required and not commune.code_service_required
    assert Service.objects.get(structure=commune, code="ACHATS").is_active


def test_siret_that_lost_its_leading_zeros_in_a_spreadsheet_is_restored() -> None:
    # 01234567800014? Use a real-looking SIRET starting with 0 and valid key.
    from choeur.directory.identifiers import luhn_complete

    siret = luhn_complete("0123456780001")
    annuaire_import(files=[structures_file(structure_line(siret.lstrip("0")))])
    assert Structure.objects.filter(identifier=siret).exists()


def test_errors_are_listed_by_file_and_line_and_nothing_is_written() -> None:
    with pytest.raises(AnnuaireImportError) as info:
        annuaire_import(
            files=[
                structures_file(
                    structure_line(),
                    structure_line("21750001600018"),
                    structure_line(SIRET_2, GestionService="peut-être"),
                    structure_line(SIRET_2, Courriel="pas-un-courriel")[:40],
                    structure_line(SIRET_2, TypeIdentifiant="NUMERO", RaisonSociale=""),
                ),
                services_file(f"SIRET;{SIRET_2};DST;Direction;true;true"),
            ]
        )
    errors = info.value.errors
    assert errors[0].startswith(
        "structures.csv, ligne 3 : identifiant « 21750001600018 » : Ce numéro SIRET n'existe pas"
    )
    assert (
        errors[1]
        == "structures.csv, ligne 4 : GestionService « peut-être » n'est pas un booléen (true/false)"
    )
    assert errors[2].startswith("structures.csv, ligne 5 : 3 champs au lieu de 21")
    assert errors[3].startswith("structures.csv, ligne 6 : type d'identifiant « NUMERO » inconnu")
    assert "RaisonSociale vide" in errors[3]
    assert errors[4] == (
        f"services.csv, ligne 2 : la structure {SIRET_2} n'est ni dans l'annuaire ni dans le "
        "fichier des structures"
    )
    assert not Structure.objects.exists() and not Service.objects.exists()


def test_wrong_encoding_and_wrong_header() -> None:
    latin = (
        "\n".join([";".join(STRUCTURE_COLUMNS), structure_line(Ville="ORLÉANS")]) + "\n"
    ).encode("latin-1")
    with pytest.raises(AnnuaireImportError) as info:
        annuaire_import(files=[("a.csv", latin), ("b.csv", b"siret,nom\n1,2\n")])
    assert info.value.errors[0].startswith("a.csv, ligne 2 : le fichier n'est pas en UTF-8")
    assert info.value.errors[1].startswith("b.csv, ligne 1 : en-tête non reconnu")


def test_missing_column_is_named() -> None:
    header = ";".join(c for c in STRUCTURE_COLUMNS if c != "GestionEngagement")
    with pytest.raises(AnnuaireImportError) as info:
        annuaire_import(files=[("a.csv", f"{header}\n".encode())])
    assert info.value.errors == ["a.csv, ligne 1 : colonne(s) absente(s) : GestionEngagement."]


def test_export_then_import_round_trips() -> None:
    annuaire_import(
        files=[
            structures_file(
                structure_line(), structure_line(SIRET_2, RaisonSociale="L'ÉTAT, SERVICES")
            ),
            services_file(f"SIRET;{SIRET};DST;Direction « technique »;true;true"),
        ]
    )
    Structure.objects.filter(identifier=SIRET_2).update(raison_sociale='L\'ÉTAT ; "SERVICES"')
    structures, services = io.StringIO(), io.StringIO()
    assert export_structures(structures) == 2
    assert export_services(services) == 1
    assert structures.getvalue().splitlines()[0] == ";".join(STRUCTURE_COLUMNS)
    before = list(Structure.objects.order_by("identifier").values())
    Service.objects.all().delete()
    Structure.objects.all().delete()
    annuaire_import(
        files=[("s.csv", structures.getvalue().encode()), ("v.csv", services.getvalue().encode())]
    )
    after = list(Structure.objects.order_by("identifier").values())
    ignore = {"id", "created_at", "updated_at"}
    assert [{k: v for k, v in row.items() if k not in ignore} for row in after] == [
        {k: v for k, v in row.items() if k not in ignore} for row in before
    ]
    assert Service.objects.get(code="DST").name == "Direction « technique »"


def test_commands(tmp_path: Path) -> None:
    name, data = structures_file(structure_line())
    path = tmp_path / name
    path.write_bytes(data)
    out = StringIO()
    call_command("import_annuaire", str(path), stdout=out)
    assert "Structures : 1 créées, 0 mises à jour" in out.getvalue()
    call_command(
        "export_annuaire",
        str(tmp_path / "e.csv"),
        "--services",
        str(tmp_path / "v.csv"),
        stdout=out,
    )
    assert SIRET in (tmp_path / "e.csv").read_text(encoding="utf-8-sig")
    bad = tmp_path / "bad.csv"
    bad.write_bytes(structures_file(structure_line("123"))[1])
    err = StringIO()
    with pytest.raises(CommandError, match="rien n'a été importé"):
        call_command("import_annuaire", str(bad), stdout=StringIO(), stderr=err)
    assert "bad.csv, ligne 2" in err.getvalue()


MATELAS_SAMPLE = """Entite;Libelle;Valeur
Fournisseur;SIRET Structure;93125027408770
Destinataire;SIRET Structure;98125730567914
Destinataire avec service obligatoire;SIRET Structure;12345678200028
Destinataire avec EJ obligatoire;SIRET Structure;12345678200036
Destinataire avec service obligatoire;Code du service;SERVICE_DEST_SERV_OBL
Fournisseur;Code du service;SERVICE_PRIVE_1_93125027408770
"""


def test_sandbox_dataset_gives_its_valid_public_recipients() -> None:
    result = annuaire_import(files=[("matelas.csv", MATELAS_SAMPLE.encode())])
    assert result.structures_created == 2
    assert "Destinataire ignoré" in result.warnings[0]
    serv = Structure.objects.get(identifier="12345678200028")
    assert serv.code_service_required and serv.is_public
    assert serv.services.get().code == "SERVICE_DEST_SERV_OBL"
    assert Structure.objects.get(identifier="12345678200036").engagement_required
    assert not Structure.objects.filter(identifier="93125027408770").exists()  # a supplier


def test_sandbox_dataset_keeps_better_names() -> None:
    annuaire_import(
        files=[
            structures_file(
                structure_line(
                    "12345678200028", RaisonSociale="COMMUNE DE X", GestionService="false"
                )
            )
        ]
    )
    annuaire_import(files=[("matelas.csv", MATELAS_SAMPLE.encode())])
    structure = Structure.objects.get(identifier="12345678200028")
    assert structure.raison_sociale == "COMMUNE DE X" and structure.code_service_required


def test_real_sandbox_file_imports() -> None:
    result = annuaire_import(files=[(MATELAS.name, MATELAS.read_bytes())])
    assert result.structures_created == 5
    assert (
        Structure.objects.get(identifier="11000201100044").services.filter(code="SFACETAT").exists()
    )
