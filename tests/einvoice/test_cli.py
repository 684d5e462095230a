"""choeur-invoice: exit codes and output that scripts and people rely on."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from choeur.einvoice.cli import InputRefused, input_limit, main, read_input
from tests.einvoice.test_hostile_pdf import double_flate_pdf
from tests.shared import CORPUS

ROOT = Path(__file__).resolve().parents[2]

VALID_UBL = str(CORPUS / "en16931-cen/ubl/examples/BIS3_Invoice_negativ.XML")
VALID_FACTURX = str(CORPUS / "akretion-factur-x/facturx/fixtures/invoice_EN16931.pdf")
INVALID_UBL = str(
    CORPUS
    / "zugferd-corpus/ubl/xml-rechnung-ubl/not_validating_full_invoice_based_onTest_EeISI_300_CENfullmodel.ubl.xml"
)
ENGINE_FAILS = str(CORPUS / "peppol-bis-billing3/cii/unit-cii-peppol/PEPPOL-EN16931-R053__t01.xml")


def test_valid_invoice_exits_0_with_a_french_verdict(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["validate", VALID_UBL]) == 0
    out = capsys.readouterr().out
    assert "BIS3_Invoice_negativ.XML : CONFORME — UBL 2.1, validation EN16931" in out
    assert "(0 erreur, 0 avertissement)" in out


def test_invalid_invoice_exits_1_and_lists_rules_in_french(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["validate", INVALID_UBL]) == 1
    out = capsys.readouterr().out
    assert "NON CONFORME" in out
    assert "ERREUR BR-CO-10 [BT-106] : La somme des montants nets des lignes (BT-106)" in out
    assert "      à /ubl:Invoice[1]/cac:LegalMonetaryTotal[1]" in out


def test_unreadable_file_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    not_xml = tmp_path / "facture.xml"
    not_xml.write_bytes(b"ceci n'est pas du XML")
    assert main(["validate", str(not_xml)]) == 2
    assert "CHOEUR-READ-01" in capsys.readouterr().out
    assert main(["validate", str(tmp_path / "absent.xml")]) == 2
    assert "fichier illisible" in capsys.readouterr().out


def test_usage_errors_exit_2(capsys: pytest.CaptureFixture[str]) -> None:
    assert main([]) == 2
    assert main(["validate"]) == 2
    assert main(["convert", VALID_UBL, "--to", "pdf", "-o", "x"]) == 2
    assert main(["validate", VALID_UBL, "--profile", "XRECHNUNG"]) == 2
    assert "Profil de validation inconnu" in capsys.readouterr().err


def test_engine_failure_exits_3(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["validate", "--engine", "reference", ENGINE_FAILS]) == 3
    assert "moteur de validation en échec" in capsys.readouterr().out


def test_the_native_engine_judges_what_the_xslt_cannot_run() -> None:
    # the official CII XSLT stops on this file (an empty amount); the native engine and the
    # schema reject it
    assert main(["validate", ENGINE_FAILS]) == 1


def test_several_files_exit_with_the_worst_code(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["validate", VALID_UBL, INVALID_UBL]) == 1
    assert main(["validate", "--engine", "reference", VALID_UBL, ENGINE_FAILS, INVALID_UBL]) == 3
    out = capsys.readouterr().out
    assert out.rstrip().endswith(
        "3 fichiers : 1 conforme(s), 1 non conforme(s), 0 illisible(s), 1 en échec de validation"
    )


def test_json_output(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["validate", "--json", VALID_FACTURX, INVALID_UBL]) == 1
    data = json.loads(capsys.readouterr().out)
    assert data["exit"] == 1
    first, second = data["files"]
    assert (first["exit"], first["report"]["valid"], first["report"]["syntax"]) == (
        0,
        True,
        "facturx",
    )
    assert second["exit"] == 1
    assert {"BR-CO-10", "BR-CO-15"} <= {f["rule_id"] for f in second["report"]["findings"]}


def test_br_fr_profile(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["validate", "--profile", "BR-FR", VALID_FACTURX]) == 0
    assert main(["validate", "--profile", "BR-FR", VALID_UBL]) == 1
    assert "BR-FR-10_BT-30" in capsys.readouterr().out


def test_runs_as_a_module() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "choeur.einvoice.cli", "validate", "--json", VALID_UBL],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["files"][0]["report"]["valid"] is True


@pytest.mark.parametrize("target", ["ubl", "cii"])
def test_convert_writes_a_valid_invoice(
    target: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    output = tmp_path / f"out.{target}.xml"
    assert main(["convert", VALID_FACTURX, "--to", target, "-o", str(output)]) == 0
    assert output.stat().st_size > 0
    assert main(["validate", str(output)]) == 0, capsys.readouterr().out


def test_convert_unreadable_input_exits_2(tmp_path: Path) -> None:
    bad = tmp_path / "bad.xml"
    bad.write_bytes(b"<nope/>")
    assert main(["convert", str(bad), "--to", "ubl", "-o", str(tmp_path / "out.xml")]) == 2
    assert not (tmp_path / "out.xml").exists()


def test_render_unreadable_input_exits_2(tmp_path: Path) -> None:
    assert (
        main(["render", str(tmp_path / "absent.xml"), "--pdf", "-o", str(tmp_path / "o.pdf")]) == 2
    )


def test_convert_to_factur_x_gives_a_valid_pdf(tmp_path: Path) -> None:
    output = tmp_path / "facture.pdf"
    assert main(["convert", VALID_UBL, "--to", "facturx", "-o", str(output)]) == 0
    assert output.read_bytes().startswith(b"%PDF-")
    assert main(["validate", str(output)]) == 0


def test_render_writes_a_pdf(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    output = tmp_path / "lisible.pdf"
    assert main(["render", VALID_UBL, "--pdf", "-o", str(output)]) == 0
    assert output.read_bytes().startswith(b"%PDF-")
    assert "(PDF, " in capsys.readouterr().out


# --- hostile inputs: bounded reads, bombs, active content -------------------------------------


def test_devices_and_fifos_are_refused_without_being_read(tmp_path: Path) -> None:
    fifo = tmp_path / "tube.xml"
    os.mkfifo(fifo)  # nobody writes to it: reading it would block for ever
    done = subprocess.run(
        [sys.executable, "-m", "choeur.einvoice.cli", "validate", "/dev/zero", str(fifo)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 2, done.stderr
    assert "/dev/zero : ERREUR — ce n'est pas un fichier ordinaire (un périphérique)" in done.stdout
    assert "tube.xml : ERREUR — ce n'est pas un fichier ordinaire (un tube (FIFO))" in done.stdout


def test_directories_are_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["validate", str(tmp_path)]) == 2
    assert "(un dossier)" in capsys.readouterr().out
    assert main(["convert", str(tmp_path), "--to", "ubl", "-o", str(tmp_path / "o.xml")]) == 2
    assert "fichier ordinaire" in capsys.readouterr().err


def test_reads_stop_past_the_limit(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    huge = tmp_path / "huge.xml"
    with huge.open("wb") as handle:
        handle.truncate(input_limit() + 10 * 1024 * 1024)  # sparse: nothing written to disk
    assert main(["validate", str(huge)]) == 2
    assert "fichier trop volumineux (plus de 50.0 Mo) : il n'est pas lu" in capsys.readouterr().out
    small = tmp_path / "small.xml"
    small.write_bytes(b"<a/>" * 10)
    with pytest.raises(InputRefused, match="trop volumineux"):
        read_input(small, limit=39)
    assert read_input(small, limit=40) == b"<a/>" * 10


def test_double_compressed_bomb_is_refused_fast(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bomb = tmp_path / "bombe.pdf"
    bomb.write_bytes(double_flate_pdf())
    assert main(["validate", str(bomb)]) == 2
    out = capsys.readouterr().out
    assert (
        "CHOEUR-READ-02 : Un fichier joint au PDF est trop volumineux une fois décompressé" in out
    )


def test_active_content_is_refused_with_its_rule(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    import pikepdf

    from choeur.einvoice.facturx import write_facturx
    from choeur.einvoice.samples import sample_invoice

    with pikepdf.open(io.BytesIO(write_facturx(sample_invoice(2)))) as pdf:
        pdf.Root.OpenAction = pikepdf.Dictionary(
            S=pikepdf.Name.JavaScript, JS=pikepdf.String("app.alert(1)")
        )
        path = tmp_path / "script.pdf"
        pdf.save(path)
    assert main(["validate", str(path)]) == 1
    out = capsys.readouterr().out
    assert "NON CONFORME" in out
    assert "ERREUR CHOEUR-PDF-01 : Le PDF contient du contenu actif : un script JavaScript" in out
    output = tmp_path / "out.xml"
    assert main(["convert", str(path), "--to", "ubl", "-o", str(output)]) == 2
    assert "contenu actif" in capsys.readouterr().err
    assert not output.exists()
