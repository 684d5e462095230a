from __future__ import annotations

import gzip
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from choeur.directory.models import Etablissement, UniteLegale
from choeur.directory.sirene import SireneImportError, import_stock_file
from tests.directory.sirene_files import ETAB_HEADER, UL_HEADER, etab_row, ul_row, write_csv

SIRET_A = "84211943000010"
SIRET_B = "51234567900017"
SIRET_C = "39876543800013"

pytestmark = pytest.mark.django_db


def test_import_creates_then_updates(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "e.csv", ETAB_HEADER, [etab_row(SIRET_A), etab_row(SIRET_B)])
    result = import_stock_file(path)
    assert (result.kind, result.rows, result.created, result.updated) == (
        "StockEtablissement", 2, 2, 0,
    )  # fmt: skip
    etab = Etablissement.objects.get(pk=SIRET_A)
    assert (etab.siren, etab.nic, etab.code_postal, etab.libelle_commune) == (
        "842119430", "00010", "75011", "PARIS 11",
    )  # fmt: skip
    assert etab.is_siege and etab.etat_administratif == "A"
    assert str(etab.date_creation) == "2018-09-01"

    newer = write_csv(
        tmp_path / "e2.csv",
        ETAB_HEADER,
        [etab_row(SIRET_A, etatAdministratifEtablissement="F"), etab_row(SIRET_C)],
    )
    result = import_stock_file(newer)
    assert (result.created, result.updated, result.unchanged) == (1, 1, 0)
    assert Etablissement.objects.get(pk=SIRET_A).etat_administratif == "F"
    assert Etablissement.objects.count() == 3
    # The same file again: nothing to rewrite.
    result = import_stock_file(newer)
    assert (result.created, result.updated, result.unchanged) == (0, 0, 2)


def test_older_stock_without_optional_columns_gets_defaults(tmp_path: Path) -> None:
    optional = {"statutDiffusionEtablissement", "etablissementSiege", "dateCreationEtablissement"}
    header = [h for h in ETAB_HEADER if h not in optional]
    rows = [[v for h, v in zip(ETAB_HEADER, etab_row(SIRET_A), strict=True) if h in header]]
    import_stock_file(write_csv(tmp_path / "old.csv", header, rows))
    etab = Etablissement.objects.get(pk=SIRET_A)
    assert (etab.statut_diffusion, etab.is_siege, etab.date_creation) == ("O", False, None)


def test_too_long_value_is_refused(tmp_path: Path) -> None:
    row = etab_row(SIRET_A, libelleVoieEtablissement="X" * 101)
    with pytest.raises(SireneImportError) as info:
        import_stock_file(write_csv(tmp_path / "e.csv", ETAB_HEADER, [row]))
    assert info.value.errors == [
        "ligne 2 : libelleVoieEtablissement trop long (101 caractères, 100 au plus)"
    ]


def test_masked_values_are_stored_empty(tmp_path: Path) -> None:
    row = etab_row(
        SIRET_A,
        statutDiffusionEtablissement="P",
        numeroVoieEtablissement="[ND]",
        libelleVoieEtablissement="[ND]",
        codePostalEtablissement="[ND]",
        libelleCommuneEtablissement="[ND]",
    )
    import_stock_file(write_csv(tmp_path / "e.csv", ETAB_HEADER, [row]))
    etab = Etablissement.objects.get(pk=SIRET_A)
    assert (etab.statut_diffusion, etab.code_postal, etab.libelle_voie) == ("P", "", "")


def test_unite_legale_file_is_detected_and_named(tmp_path: Path) -> None:
    rows = [
        ul_row("842119430", denominationUniteLegale="Menuiserie Dupont & Fils"),
        ul_row(
            "512345679",
            denominationUniteLegale="",
            nomUniteLegale="LAMBERT",
            prenom1UniteLegale="CLAIRE",
            categorieJuridiqueUniteLegale="1000",
        ),
    ]
    result = import_stock_file(write_csv(tmp_path / "u.csv", UL_HEADER, rows))
    assert result.kind == "StockUniteLegale" and result.created == 2
    assert UniteLegale.objects.get(pk="842119430").search_name == "MENUISERIE DUPONT FILS"
    individual = UniteLegale.objects.get(pk="512345679")
    assert individual.raison_sociale == "LAMBERT CLAIRE"
    assert individual.categorie_juridique == "1000"


def test_missing_required_column_fails_naming_it(tmp_path: Path) -> None:
    header = [h for h in ETAB_HEADER if h != "etatAdministratifEtablissement"]
    rows = [[v for h, v in zip(ETAB_HEADER, etab_row(SIRET_A), strict=True) if h in header]]
    with pytest.raises(SireneImportError, match="etatAdministratifEtablissement"):
        import_stock_file(write_csv(tmp_path / "e.csv", header, rows))
    assert not Etablissement.objects.exists()


def test_unknown_header_is_refused(tmp_path: Path) -> None:
    with pytest.raises(SireneImportError, match="en-tête non reconnu"):
        import_stock_file(write_csv(tmp_path / "x.csv", ["a", "b"], [["1", "2"]]))


def test_semicolon_file_gets_a_clear_message(tmp_path: Path) -> None:
    path = tmp_path / "e.csv"
    path.write_text(";".join(ETAB_HEADER) + "\n", encoding="utf-8")
    with pytest.raises(SireneImportError, match="séparateur doit être la virgule"):
        import_stock_file(path)


def test_wrong_encoding_names_the_line_and_writes_nothing(tmp_path: Path) -> None:
    path = write_csv(
        tmp_path / "e.csv",
        ETAB_HEADER,
        [etab_row(SIRET_A), etab_row(SIRET_B), etab_row(SIRET_C, libelleCommuneEtablissement="É")],
    )
    path.write_bytes(path.read_bytes().replace("É".encode(), "É".encode("latin-1")))
    # batch_size=1: the first rows were already written when the bad byte is met.
    with pytest.raises(SireneImportError, match="Ligne 4 : le fichier n'est pas en UTF-8"):
        import_stock_file(path, batch_size=1)
    assert not Etablissement.objects.exists()
    # The indexes a first load sets aside (PostgreSQL) come back with the rollback.
    from django.db import connection

    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(cursor, "directory_etablissement")
    assert {"etablissement_siren", "etablissement_search_name"} <= set(constraints)


def test_truncated_and_absurd_rows_are_listed_by_line_and_nothing_is_written(
    tmp_path: Path,
) -> None:
    rows = [
        etab_row(SIRET_A),
        etab_row(SIRET_B)[:7],  # truncated
        etab_row(SIRET_C, etatAdministratifEtablissement="X"),
        etab_row("8421194300001A", siren="842119430", nic="0001A"),
        etab_row(SIRET_A, dateCreationEtablissement="2023-13-45"),
        etab_row(SIRET_A, siren="512345679"),
    ]
    with pytest.raises(SireneImportError) as info:
        import_stock_file(write_csv(tmp_path / "e.csv", ETAB_HEADER, rows), batch_size=1)
    errors = info.value.errors
    assert [e.split(" :")[0] for e in errors] == [
        "ligne 3",
        "ligne 4",
        "ligne 5",
        "ligne 6",
        "ligne 7",
    ]
    assert "7 champs au lieu de 20" in errors[0]
    assert "état administratif « X » inconnu" in errors[1]
    assert "SIRET « 8421194300001A » invalide" in errors[2]
    assert "n'est pas une date" in errors[3]
    assert "ne commence pas par le SIREN" in errors[4]
    assert "5 ligne(s) invalide(s), rien n'a été importé" in str(info.value)
    assert not Etablissement.objects.exists()


def test_skip_invalid_imports_the_good_rows_and_lists_the_others(tmp_path: Path) -> None:
    rows = [etab_row(SIRET_A), etab_row(SIRET_B, codePostalEtablissement="7501"), etab_row(SIRET_C)]
    result = import_stock_file(write_csv(tmp_path / "e.csv", ETAB_HEADER, rows), skip_invalid=True)
    assert (result.created, result.skipped) == (2, 1)
    assert result.errors == ["ligne 3 : code postal « 7501 » invalide (5 chiffres attendus)"]
    assert set(Etablissement.objects.values_list("pk", flat=True)) == {SIRET_A, SIRET_C}


def test_gzip_file_and_quoted_commas(tmp_path: Path) -> None:
    plain = write_csv(
        tmp_path / "e.csv",
        ETAB_HEADER,
        [etab_row(SIRET_A, complementAdresseEtablissement="BAT A, ESCALIER 2")],
    )
    packed = tmp_path / "StockEtablissement_utf8.csv.gz"
    packed.write_bytes(gzip.compress(plain.read_bytes()))
    import_stock_file(packed)
    assert Etablissement.objects.get(pk=SIRET_A).complement_adresse == "BAT A, ESCALIER 2"


def test_command_reports_counts_and_fails_on_a_bad_file(tmp_path: Path) -> None:
    good = write_csv(tmp_path / "e.csv", ETAB_HEADER, [etab_row(SIRET_A)])
    unites = write_csv(tmp_path / "u.csv", UL_HEADER, [ul_row("842119430")])
    out = StringIO()
    call_command("import_sirene", str(good), str(unites), "--no-progress", stdout=out)
    assert "1 lignes lues, 1 créées, 0 mises à jour, 0 inchangées, 0 ignorées" in out.getvalue()
    assert "(StockUniteLegale)" in out.getvalue()

    bad = write_csv(tmp_path / "b.csv", ETAB_HEADER, [etab_row(SIRET_B, nic="00018")])
    err = StringIO()
    with pytest.raises(CommandError):
        call_command("import_sirene", str(bad), "--no-progress", stdout=StringIO(), stderr=err)
    assert "ligne 2 : le SIRET 51234567900017 ne commence pas par le SIREN" in err.getvalue()
    assert not Etablissement.objects.filter(pk=SIRET_B).exists()


def test_database_refuses_a_malformed_siret() -> None:
    from django.db import IntegrityError

    with pytest.raises(IntegrityError):
        Etablissement.objects.create(siret="1234", siren="123456789", nic="1")


def test_indexes_are_in_place_after_a_first_load(tmp_path: Path) -> None:
    from django.db import connection

    import_stock_file(write_csv(tmp_path / "e.csv", ETAB_HEADER, [etab_row(SIRET_A)]))
    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(cursor, "directory_etablissement")
    assert {"etablissement_siren", "etablissement_search_name"} <= set(constraints)
    assert Etablissement.objects.filter(siren=SIRET_A[:9]).exists()
