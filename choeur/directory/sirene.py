"""Import of the INSEE Sirene stock files (StockEtablissement, StockUniteLegale).

The files are CSV as published: comma-separated, UTF-8, one header line of camelCase names,
`[ND]` where a non diffusible person's data is masked, columns added over the years (unknown ones
are ignored). The file is read as a stream (constant memory) and upserted in batches, all inside
one transaction: a bad file (wrong encoding, missing column, truncated row, absurd value) is
reported with line numbers and leaves the base as it was. With `skip_invalid`, bad rows are
skipped (and listed) instead; a file-level fault still aborts.

On PostgreSQL each batch is loaded with COPY into a temporary table, then merged with
INSERT ... ON CONFLICT; elsewhere (SQLite) an executemany upsert is used.
"""

from __future__ import annotations

import csv
import datetime as dt
import gzip
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from django.db import connection, transaction

from choeur.directory.models import Etablissement, UniteLegale
from choeur.directory.text import search_key

MASKED = "[ND]"
BATCH_SIZE = 20_000
MAX_ERRORS_SHOWN = 50


class SireneImportError(Exception):
    """The file cannot be imported; nothing was written. `errors` lists the lines at fault."""

    def __init__(self, message: str, errors: list[str] | None = None) -> None:
        super().__init__(message)
        self.errors = errors or []


@dataclass(frozen=True)
class Column:
    """One stock column: its header, the model field, whether the file must have it."""

    header: str
    field: str
    required: bool
    check: Callable[[str], str | None] | None = None  # returns a French message when absurd


@dataclass
class ImportResult:
    kind: str
    rows: int = 0
    created: int = 0
    updated: int = 0
    skipped: int = 0
    errors: list[str] = field(default_factory=list)  # "ligne N : ..." of the skipped rows


def _digits(length: int, label: str) -> Callable[[str], str | None]:
    def check(value: str) -> str | None:
        if len(value) == length and value.isascii() and value.isdigit():
            return None
        return f"{label} « {value} » invalide ({length} chiffres attendus)"

    return check


def _one_of(allowed: set[str], label: str, *, blank: bool = False) -> Callable[[str], str | None]:
    def check(value: str) -> str | None:
        if value in allowed or (blank and value == ""):
            return None
        return f"{label} « {value} » inconnu (valeurs admises : {', '.join(sorted(allowed))})"

    return check


def _date(label: str) -> Callable[[str], str | None]:
    def check(value: str) -> str | None:
        if value == "":
            return None
        try:
            parsed = dt.date.fromisoformat(value)
        except ValueError:
            return f"{label} « {value} » n'est pas une date AAAA-MM-JJ"
        if not 1600 <= parsed.year <= 2200:
            return f"{label} « {value} » hors de toute plage raisonnable"
        return None

    return check


def _postal_code(value: str) -> str | None:
    if value == "" or (len(value) == 5 and value.isascii() and value.isdigit()):
        return None
    return f"code postal « {value} » invalide (5 chiffres attendus)"


def _naf(value: str) -> str | None:
    return None if len(value) <= 6 else f"code NAF « {value} » trop long"


def _cat_juridique(value: str) -> str | None:
    if value == "" or (len(value) == 4 and value.isdigit()):
        return None
    return f"catégorie juridique « {value} » invalide (4 chiffres attendus)"


def _boolean(label: str) -> Callable[[str], str | None]:
    return _one_of({"true", "false"}, label, blank=True)


ETABLISSEMENT_COLUMNS = [
    Column("siren", "siren", True, _digits(9, "SIREN")),
    Column("nic", "nic", True, _digits(5, "NIC")),
    Column("siret", "siret", True, _digits(14, "SIRET")),
    Column(
        "statutDiffusionEtablissement",
        "statut_diffusion",
        False,
        _one_of({"O", "P", "N"}, "statut de diffusion", blank=True),
    ),
    Column("dateCreationEtablissement", "date_creation", False, _date("date de création")),
    Column("etablissementSiege", "is_siege", False, _boolean("indicateur de siège")),
    Column("enseigne1Etablissement", "enseigne", False),
    Column("denominationUsuelleEtablissement", "denomination_usuelle", False),
    Column("complementAdresseEtablissement", "complement_adresse", False),
    Column("numeroVoieEtablissement", "numero_voie", False),
    Column("indiceRepetitionEtablissement", "indice_repetition", False),
    Column("typeVoieEtablissement", "type_voie", False),
    Column("libelleVoieEtablissement", "libelle_voie", True),
    Column("codePostalEtablissement", "code_postal", True, _postal_code),
    Column("libelleCommuneEtablissement", "libelle_commune", True),
    Column("codeCommuneEtablissement", "code_commune", False),
    Column(
        "etatAdministratifEtablissement",
        "etat_administratif",
        True,
        _one_of({"A", "F"}, "état administratif"),
    ),
    Column("activitePrincipaleEtablissement", "activite_principale", True, _naf),
]

UNITE_LEGALE_COLUMNS = [
    Column("siren", "siren", True, _digits(9, "SIREN")),
    Column(
        "statutDiffusionUniteLegale",
        "statut_diffusion",
        False,
        _one_of({"O", "P", "N"}, "statut de diffusion", blank=True),
    ),
    Column("dateCreationUniteLegale", "date_creation", False, _date("date de création")),
    Column("sigleUniteLegale", "sigle", False),
    Column("prenom1UniteLegale", "prenom", False),
    Column("nomUniteLegale", "nom", True),
    Column("nomUsageUniteLegale", "nom_usage", False),
    Column("denominationUniteLegale", "denomination", True),
    Column(
        "etatAdministratifUniteLegale",
        "etat_administratif",
        True,
        _one_of({"A", "C"}, "état administratif"),
    ),
    Column("categorieJuridiqueUniteLegale", "categorie_juridique", True, _cat_juridique),
    Column("activitePrincipaleUniteLegale", "activite_principale", False, _naf),
]

STOCKS: dict[str, tuple[type[Any], list[Column], str]] = {
    "StockEtablissement": (Etablissement, ETABLISSEMENT_COLUMNS, "siret"),
    "StockUniteLegale": (UniteLegale, UNITE_LEGALE_COLUMNS, "siren"),
}


def detect_stock(header: list[str]) -> str:
    """Which stock a header belongs to, or SireneImportError naming the missing columns."""
    names = set(header)
    if "siret" in names:
        kind = "StockEtablissement"
    elif "siren" in names and names & {"denominationUniteLegale", "categorieJuridiqueUniteLegale"}:
        kind = "StockUniteLegale"
    else:
        raise SireneImportError(
            "Ligne 1 : en-tête non reconnu. Un fichier StockEtablissement a une colonne « siret », "
            "un fichier StockUniteLegale les colonnes « siren » et « denominationUniteLegale »."
        )
    missing = [c.header for c in STOCKS[kind][1] if c.required and c.header not in names]
    if missing:
        raise SireneImportError(
            f"Ligne 1 : colonne(s) obligatoire(s) absente(s) du fichier {kind} : "
            + ", ".join(missing)
            + "."
        )
    return kind


def _open_binary(path: Path) -> IO[bytes] | gzip.GzipFile:
    """The file's bytes, transparently unpacking .gz and a single-member .zip."""
    if path.suffix == ".gz":
        return gzip.open(path, "rb")
    if path.suffix == ".zip":
        archive = zipfile.ZipFile(path)
        members = [n for n in archive.namelist() if n.lower().endswith(".csv")]
        if len(members) != 1:
            raise SireneImportError(f"{path.name} : l'archive doit contenir exactement un .csv.")
        return archive.open(members[0])
    return open(path, "rb")  # noqa: SIM115 - closed by the caller


def _decoded_lines(raw: IO[bytes] | gzip.GzipFile) -> Iterator[str]:
    """Each physical line decoded as UTF-8, so a bad byte is reported on its own line."""
    for number, data in enumerate(raw, start=1):
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise SireneImportError(
                f"Ligne {number} : le fichier n'est pas en UTF-8 (octet 0x{data[exc.start]:02x} "
                f"en position {exc.start + 1}). Les fichiers stock de l'INSEE sont en UTF-8 : "
                "vérifiez le fichier d'origine ou convertissez-le."
            ) from exc
        if number == 1:
            text = text.removeprefix("\ufeff")
        yield text


def _model_fields(kind: str, present: list[Column]) -> list[str]:
    fields = [c.field for c in present]
    return [*fields, "search_name"]


def _rows(
    reader: Iterator[list[str]],
    header: list[str],
    kind: str,
    result: ImportResult,
    strict_errors: list[str],
    line_of: Callable[[], int],
    skip_invalid: bool,
) -> Iterator[tuple[int, list[Any]]]:
    """Yield (line, values in the order of the stock's columns), checking each row."""
    columns = [c for c in STOCKS[kind][1] if c.header in header]
    index = [header.index(c.header) for c in columns]
    width = len(header)
    etab = kind == "StockEtablissement"
    while True:
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            raise SireneImportError(f"Ligne {line_of()} : CSV illisible ({exc}).") from exc
        line = line_of()
        result.rows += 1
        problems: list[str] = []
        if len(row) != width:
            problems.append(
                f"{len(row)} champs au lieu de {width} (ligne tronquée ou séparateur erroné)"
            )
            values: list[Any] = []
        else:
            values = []
            for column, i in zip(columns, index, strict=True):
                value = row[i].strip()
                if value == MASKED:
                    value = ""
                if column.check is not None:
                    message = column.check(value)
                    if message:
                        problems.append(message)
                values.append(value)
            if not problems and etab and values[2] != values[0] + values[1]:
                problems.append(f"le SIRET {values[2]} ne commence pas par le SIREN {values[0]}")
        if problems:
            message = f"ligne {line} : " + " ; ".join(problems)
            if skip_invalid:
                result.skipped += 1
                if len(result.errors) < MAX_ERRORS_SHOWN:
                    result.errors.append(message)
            else:
                strict_errors.append(message)
            continue
        if strict_errors:
            continue  # keep reading to report every bad line; nothing will be written
        yield line, _convert(kind, columns, values)


def _convert(kind: str, columns: list[Column], values: list[Any]) -> list[Any]:
    record = dict(zip((c.field for c in columns), values, strict=True))
    if "statut_diffusion" in record and not record["statut_diffusion"]:
        record["statut_diffusion"] = "O"
    if kind == "StockEtablissement":
        if "is_siege" in record:
            record["is_siege"] = record["is_siege"] == "true"
        name = record.get("denomination_usuelle") or record.get("enseigne") or ""
    else:
        nom = record.get("nom_usage") or record.get("nom") or ""
        name = record.get("denomination") or " ".join(p for p in (nom, record.get("prenom")) if p)
    if "date_creation" in record and not record["date_creation"]:
        record["date_creation"] = None
    out = [record[c.field] for c in columns]
    out.append(search_key(name))
    return out


class _Writer:
    """Upserts batches of rows into the stock's table, counting created and updated rows."""

    def __init__(self, kind: str, fields: list[str]) -> None:
        model, _columns, key = STOCKS[kind]
        self.table = model._meta.db_table
        self.key = key
        self.fields = fields
        self.created = 0
        self.updated = 0
        self.postgres = connection.vendor == "postgresql"
        if self.postgres:
            self._prepare_postgres(model)

    def _prepare_postgres(self, model: type[Any]) -> None:
        columns = ", ".join(f'"{f}"' for f in self.fields)
        with connection.cursor() as cursor:
            # Inside an outer transaction (tests) ON COMMIT has not dropped the previous one yet.
            cursor.execute('DROP TABLE IF EXISTS pg_temp."sirene_load"')
            cursor.execute(
                f'CREATE TEMP TABLE "sirene_load" ON COMMIT DROP AS SELECT {columns} '  # noqa: S608
                f'FROM "{self.table}" WITH NO DATA'
            )
            cursor.execute('ALTER TABLE "sirene_load" ADD COLUMN "line" bigint')

    def write(self, batch: list[tuple[int, list[Any]]]) -> None:
        if not batch:
            return
        if self.postgres:
            self._write_postgres(batch)
        else:
            self._write_generic(batch)

    def _write_generic(self, batch: list[tuple[int, list[Any]]]) -> None:
        columns = ", ".join(f'"{f}"' for f in self.fields)
        marks = ", ".join(["%s"] * len(self.fields))
        updates = ", ".join(f'"{f}" = excluded."{f}"' for f in self.fields if f != self.key)
        sql = (
            f'INSERT INTO "{self.table}" ({columns}) VALUES ({marks}) '  # noqa: S608
            f'ON CONFLICT ("{self.key}") DO UPDATE SET {updates}'
        )
        with connection.cursor() as cursor:
            cursor.execute(f'SELECT COUNT(*) FROM "{self.table}"')  # noqa: S608
            before = cursor.fetchone()[0]
            cursor.executemany(sql, [values for _line, values in batch])
            cursor.execute(f'SELECT COUNT(*) FROM "{self.table}"')  # noqa: S608
            after = cursor.fetchone()[0]
        self.created += after - before
        self.updated += len(batch) - (after - before)

    def _write_postgres(self, batch: list[tuple[int, list[Any]]]) -> None:
        columns = ", ".join(f'"{f}"' for f in self.fields)
        updates = ", ".join(f'"{f}" = excluded."{f}"' for f in self.fields if f != self.key)
        with connection.cursor() as cursor:
            raw = cursor.cursor  # the psycopg cursor, for COPY
            with raw.copy(f'COPY "sirene_load" ({columns}, "line") FROM STDIN') as copy:
                for line, values in batch:
                    copy.write_row([*values, line])
            # A key repeated in one file: the last line wins, as with the generic upsert.
            cursor.execute(
                f'WITH merged AS (INSERT INTO "{self.table}" ({columns}) '  # noqa: S608
                f'SELECT DISTINCT ON ("{self.key}") {columns} FROM "sirene_load" '
                f'ORDER BY "{self.key}", "line" DESC '
                f'ON CONFLICT ("{self.key}") DO UPDATE SET {updates} '
                "RETURNING (xmax = 0) AS inserted) "
                "SELECT COUNT(*) FILTER (WHERE inserted), COUNT(*) FROM merged"
            )
            created, total = cursor.fetchone()
            cursor.execute('TRUNCATE "sirene_load"')
        self.created += created
        self.updated += total - created


def import_stock_file(
    path: Path | str,
    *,
    skip_invalid: bool = False,
    progress: Callable[[int], object] | None = None,
    batch_size: int = BATCH_SIZE,
) -> ImportResult:
    """Import one stock file (kind detected from its header). Raises SireneImportError."""
    path = Path(path)
    if not path.is_file():
        raise SireneImportError(f"{path} : fichier introuvable.")
    with _open_binary(path) as raw:
        reader = csv.reader(_decoded_lines(raw), delimiter=",", quotechar='"', strict=True)
        try:
            header = [h.strip() for h in next(reader)]
        except StopIteration as exc:
            raise SireneImportError(f"{path.name} : fichier vide.") from exc
        if len(header) == 1 and ";" in header[0]:
            raise SireneImportError(
                "Ligne 1 : le séparateur doit être la virgule (le fichier utilise « ; »)."
            )
        kind = detect_stock(header)
        present = [c for c in STOCKS[kind][1] if c.header in header]
        result = ImportResult(kind=kind)
        strict_errors: list[str] = []
        with transaction.atomic():
            writer = _Writer(kind, _model_fields(kind, present))
            batch: list[tuple[int, list[Any]]] = []
            rows = _rows(
                reader,
                header,
                kind,
                result,
                strict_errors,
                lambda: reader.line_num,
                skip_invalid,
            )
            for item in rows:
                batch.append(item)
                if len(batch) >= batch_size:
                    writer.write(batch)
                    if progress:
                        progress(len(batch))
                    batch = []
            if strict_errors:
                # Raising inside the atomic block rolls back every batch already written.
                raise SireneImportError(
                    f"{path.name} : {len(strict_errors)} ligne(s) invalide(s), rien n'a été "
                    "importé.",
                    strict_errors[:MAX_ERRORS_SHOWN],
                )
            writer.write(batch)
            if progress:
                progress(len(batch))
        result.created, result.updated = writer.created, writer.updated
        return result
