"""choeur-invoice: validate, convert and render e-invoices from the command line.

    choeur-invoice validate FILE... [--profile EN16931|BR-FR] [--json]
    choeur-invoice convert FILE --to ubl|cii|facturx -o OUT
    choeur-invoice render FILE --pdf -o OUT

Exit codes, for scripts: 0 valid (or done), 1 invalid (or cannot be written), 2 unreadable
input or wrong usage, 3 a validation engine could not run (nothing may be concluded).
With several files, the highest code wins. Only regular files are read, and at most the core's
largest input (the PDF limit, 50 MB by default): a device, a FIFO or a larger file exits 2.
"""

from __future__ import annotations

import argparse
import json
import os
import stat
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any, TextIO

EXIT_VALID = 0
EXIT_INVALID = 1
EXIT_UNREADABLE = 2
EXIT_ENGINE = 3

SYNTAX_FR = {
    "ubl": "UBL 2.1",
    "cii": "CII D16B",
    "facturx": "Factur-X (PDF)",
    None: "format inconnu",
}


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="choeur-invoice",
        description="Valider, convertir et mettre en page des factures électroniques "
        "(UBL, CII, Factur-X) selon la norme EN 16931.",
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMANDE")

    validate = commands.add_parser(
        "validate", help="valider des factures (XSD et règles officielles EN 16931)"
    )
    validate.add_argument("files", nargs="+", metavar="FICHIER")
    validate.add_argument(
        "--profile",
        default=None,
        help="profil de validation : EN16931 (par défaut) ou BR-FR (règles françaises du "
        "secteur public et contrôles de la plateforme)",
    )
    validate.add_argument("--json", action="store_true", help="rapport JSON sur la sortie standard")
    validate.add_argument(
        "--engine",
        choices=("native", "reference"),
        default=None,
        help="moteur des règles EN 16931 : native (par défaut) ou reference (XSLT officielle)",
    )

    convert = commands.add_parser("convert", help="convertir une facture dans une autre syntaxe")
    convert.add_argument("file", metavar="FICHIER")
    convert.add_argument("--to", required=True, choices=("ubl", "cii", "facturx"))
    convert.add_argument("-o", "--output", required=True, metavar="SORTIE")

    render = commands.add_parser("render", help="mettre en page une facture en PDF lisible")
    render.add_argument("file", metavar="FICHIER")
    render.add_argument("--pdf", action="store_true", required=True, help="produire un PDF")
    render.add_argument("-o", "--output", required=True, metavar="SORTIE")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    try:
        args = _parser().parse_args(argv)
    except SystemExit as exit_:  # argparse has printed the usage
        return EXIT_VALID if exit_.code == 0 else EXIT_UNREADABLE
    if args.command == "validate":
        return _validate(
            args.files, profile=args.profile, as_json=args.json, out=sys.stdout, engine=args.engine
        )
    if args.command == "convert":
        return _convert(Path(args.file), args.to, Path(args.output))
    return _render(Path(args.file), Path(args.output))


# --- validate -------------------------------------------------------------------------------


def _validate(
    files: list[str],
    *,
    profile: str | None,
    as_json: bool,
    out: TextIO,
    engine: str | None = None,
) -> int:
    from choeur.einvoice import validate
    from choeur.einvoice.validation import EngineError, pipeline

    try:
        pipeline.normalise_profile(profile)
    except ValueError as exc:
        print(f"choeur-invoice : {exc}", file=sys.stderr)
        return EXIT_UNREADABLE
    results: list[dict[str, Any]] = []
    worst = EXIT_VALID
    for name in files:
        result: dict[str, Any] = {"file": name}
        try:
            data = read_input(Path(name))
        except InputRefused as exc:
            result.update(exit=EXIT_UNREADABLE, error=str(exc))
        else:
            try:
                options = {"engine": engine} if engine else {}
                report = validate(data, profile=profile, **options)
            except EngineError as exc:
                result.update(exit=EXIT_ENGINE, error=f"moteur de validation en échec : {exc}")
            else:
                unreadable = any(f.rule_id.startswith("CHOEUR-READ-") for f in report.findings)
                code = (
                    EXIT_UNREADABLE
                    if unreadable
                    else EXIT_VALID
                    if report.is_valid
                    else EXIT_INVALID
                )
                result.update(exit=code, report=report.to_dict())
        worst = max(worst, result["exit"])
        results.append(result)
        if not as_json:
            _print_human(result, out)
    if as_json:
        json.dump({"exit": worst, "files": results}, out, ensure_ascii=False, indent=2)
        out.write("\n")
    elif len(results) > 1:
        codes = [r["exit"] for r in results]
        print(
            f"{len(results)} fichiers : {codes.count(EXIT_VALID)} conforme(s), "
            f"{codes.count(EXIT_INVALID)} non conforme(s), {codes.count(EXIT_UNREADABLE)} "
            f"illisible(s), {codes.count(EXIT_ENGINE)} en échec de validation",
            file=out,
        )
    return worst


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'s' if count > 1 else ''}"


def _print_human(result: dict[str, Any], out: TextIO) -> None:
    name = result["file"]
    if "error" in result:
        print(f"{name} : ERREUR — {result['error']}", file=out)
        return
    report = result["report"]
    syntax = SYNTAX_FR.get(report["syntax"], report["syntax"])
    if report.get("document_profile"):
        syntax += f", profil {report['document_profile']}"
    verdict = "CONFORME" if report["valid"] else "NON CONFORME"
    print(
        f"{name} : {verdict} — {syntax}, validation {report['profile']} "
        f"({_plural(report['errors'], 'erreur')}, "
        f"{_plural(report['warnings'], 'avertissement')})",
        file=out,
    )
    for finding in report["findings"]:
        mark = {"fatal": "ERREUR", "warning": "AVERTISSEMENT"}.get(finding["severity"], "INFO")
        bt = f" [{finding['bt']}]" if finding["bt"] else ""
        print(f"  {mark} {finding['rule_id']}{bt} : {finding['message_fr']}", file=out)
        if finding["location"]:
            print(f"      à {finding['location']}", file=out)


# --- reading the input files -----------------------------------------------------------------


class InputRefused(Exception):
    """An input file that is not read: missing, not a regular file, too large (French text)."""


def input_limit() -> int:
    """The most bytes read from one input: the largest document the core accepts (a PDF)."""
    from choeur.einvoice.security import default_limits

    limits = default_limits()
    return max(limits.max_pdf_bytes, limits.max_xml_bytes)


def read_input(path: Path, limit: int | None = None) -> bytes:
    """The bytes of a regular file, at most `limit` (+ 1 read to tell a larger file).

    A device (/dev/zero), a FIFO, a socket or a directory is refused without being read: it is
    opened non-blocking (a FIFO without writer would block) and checked on the open descriptor.
    """
    limit = input_limit() if limit is None else limit
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0))
    except OSError as exc:
        raise InputRefused(f"fichier illisible : {exc.strerror or exc}") from exc
    try:
        mode = os.fstat(fd).st_mode
        if not stat.S_ISREG(mode):
            raise InputRefused(
                f"ce n'est pas un fichier ordinaire ({_kind(mode)}) : rien n'a été lu"
            )
        if hasattr(os, "set_blocking"):
            os.set_blocking(fd, True)
        data = _read_at_most(fd, limit + 1)
    except OSError as exc:
        raise InputRefused(f"fichier illisible : {exc.strerror or exc}") from exc
    finally:
        os.close(fd)
    if len(data) > limit:
        raise InputRefused(
            f"fichier trop volumineux (plus de {limit / (1024 * 1024):.1f} Mo) : il n'est pas lu"
        )
    return data


def _kind(mode: int) -> str:
    if stat.S_ISDIR(mode):
        return "un dossier"
    if stat.S_ISFIFO(mode):
        return "un tube (FIFO)"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "un périphérique"
    return "un fichier spécial"


def _read_at_most(fd: int, size: int) -> bytes:
    chunks = []
    left = size
    while left > 0:
        chunk = os.read(fd, min(left, 1024 * 1024))
        if not chunk:
            break
        chunks.append(chunk)
        left -= len(chunk)
    return b"".join(chunks)


# --- convert and render -----------------------------------------------------------------------


def _read(path: Path) -> Any:
    from choeur.einvoice import read
    from choeur.einvoice.errors import ReadError

    try:
        return read(read_input(path))
    except InputRefused as exc:
        print(f"{path} : {exc}", file=sys.stderr)
    except ReadError as exc:
        print(f"{path} : {exc.message_fr}", file=sys.stderr)
    return None


def _convert(source: Path, target: str, output: Path) -> int:
    from choeur.einvoice import write_cii, write_facturx, write_ubl
    from choeur.einvoice.errors import WriteError

    invoice = _read(source)
    if invoice is None:
        return EXIT_UNREADABLE
    try:
        if target == "ubl":
            data = write_ubl(invoice)
        elif target == "cii":
            data = write_cii(invoice)
        else:
            data = write_facturx(invoice)
    except WriteError as exc:
        print(f"{source} : conversion impossible : {exc.message_fr}", file=sys.stderr)
        return EXIT_INVALID
    output.write_bytes(data)
    print(f"{source} -> {output} ({target}, {len(data)} octets)")
    return EXIT_VALID


def _render(source: Path, output: Path) -> int:
    from choeur.einvoice import render_pdf
    from choeur.einvoice.errors import WriteError

    invoice = _read(source)
    if invoice is None:
        return EXIT_UNREADABLE
    try:
        data = render_pdf(invoice)
    except WriteError as exc:
        print(f"{source} : mise en page impossible : {exc.message_fr}", file=sys.stderr)
        return EXIT_INVALID
    output.write_bytes(data)
    print(f"{source} -> {output} (PDF, {len(data)} octets)")
    return EXIT_VALID


if __name__ == "__main__":
    raise SystemExit(main())
