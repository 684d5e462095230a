"""Import of the INSEE Sirene stock files (StockEtablissement, StockUniteLegale).

The files are CSV as published: comma-separated, UTF-8, one header line of camelCase names,
`[ND]` where a non diffusible person's data is masked, columns added over the years (unknown ones
are ignored). The file is read as a stream (constant memory) and upserted in batches, all inside
one transaction: a bad file (wrong encoding, missing column, truncated row, absurd value) is
reported with line numbers and leaves the base as it was. With `skip_invalid`, bad rows are
skipped (and listed) instead; a file-level fault still aborts.

On PostgreSQL each batch is loaded with COPY into a temporary table, then merged with
INSERT ... ON CONFLICT (into an empty table, the secondary indexes are built once at the end);
elsewhere (SQLite) an executemany upsert is used.
"""

from __future__ import annotations

import csv
import datetime as dt
import gzip
import io
import operator
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
    unchanged: int = 0
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


def _encoding_error(path: Path) -> SireneImportError:
    """Find the first line that is not UTF-8 (the fast reader decodes by blocks)."""
    with _open_binary(path) as raw:
        for number, data in enumerate(raw, start=1):
            try:
                data.decode("utf-8")
            except UnicodeDecodeError as exc:
                return SireneImportError(
                    f"Ligne {number} : le fichier n'est pas en UTF-8 (octet "
                    f"0x{data[exc.start]:02x} en position {exc.start + 1}). Les fichiers stock de "
                    "l'INSEE sont en UTF-8 : vérifiez le fichier d'origine ou convertissez-le."
                )
    return SireneImportError("Le fichier n'est pas en UTF-8.")


_ND = ("O", "P", "N", "")


_DATE_CHECK = _date("date")


def _date_ok(value: str) -> bool:
    return not value or _DATE_CHECK(value) is None


def _fast_check(kind: str, columns: list[Column]) -> Callable[[list[str]], bool]:
    """A cheap predicate true for a row every check would accept (the common case). A row it
    refuses goes through the detailed checks, which say what is wrong."""
    pos = {c.field: j for j, c in enumerate(columns)}
    maxes = _max_lengths(kind, columns)

    def lengths_ok(values: list[str]) -> bool:
        for j, length in maxes:  # noqa: SIM110 - a plain loop is faster than all() here
            if len(values[j]) > length:
                return False
        return True

    if kind == "StockEtablissement":
        p_siren, p_nic, p_siret = pos["siren"], pos["nic"], pos["siret"]
        p_etat, p_statut, p_cp = (
            pos["etat_administratif"],
            pos["statut_diffusion"],
            pos["code_postal"],
        )
        p_naf, p_siege, p_date = pos["activite_principale"], pos["is_siege"], pos["date_creation"]

        def check_etab(v: list[str]) -> bool:
            siret, cp = v[p_siret], v[p_cp]
            return (
                len(siret) == 14
                and siret.isascii()
                and siret.isdigit()
                and siret == v[p_siren] + v[p_nic]
                and len(v[p_siren]) == 9
                and v[p_etat] in ("A", "F")
                and v[p_statut] in _ND
                and (cp == "" or (len(cp) == 5 and cp.isascii() and cp.isdigit()))
                and len(v[p_naf]) <= 6
                and v[p_siege] in ("true", "false", "")
                and _date_ok(v[p_date])
                and lengths_ok(v)
            )

        return check_etab
    p_siren, p_etat, p_statut = pos["siren"], pos["etat_administratif"], pos["statut_diffusion"]
    p_cat, p_date = pos["categorie_juridique"], pos["date_creation"]

    def check_unite(v: list[str]) -> bool:
        siren, cat = v[p_siren], v[p_cat]
        return (
            len(siren) == 9
            and siren.isascii()
            and siren.isdigit()
            and v[p_etat] in ("A", "C")
            and v[p_statut] in _ND
            and (cat == "" or (len(cat) == 4 and cat.isdigit()))
            and _date_ok(v[p_date])
            and lengths_ok(v)
        )

    return check_unite


def _max_lengths(kind: str, columns: list[Column]) -> list[tuple[int, int]]:
    model = STOCKS[kind][0]
    out = []
    for j, column in enumerate(columns):
        length = getattr(model._meta.get_field(column.field), "max_length", None)
        if length:
            out.append((j, int(length)))
    return out


def _problems(kind: str, columns: list[Column], values: list[str]) -> list[str]:
    """Every reason why this row is refused, in French."""
    problems = [m for c, v in zip(columns, values, strict=True) if c.check and (m := c.check(v))]
    for j, length in _max_lengths(kind, columns):
        if len(values[j]) > length:
            problems.append(
                f"{columns[j].header} trop long ({len(values[j])} caractères, {length} au plus)"
            )
    if not problems and kind == "StockEtablissement" and values[2] != values[0] + values[1]:
        problems.append(f"le SIRET {values[2]} ne commence pas par le SIREN {values[0]}")
    return problems


def _converter(kind: str, columns: list[Column]) -> Callable[[list[Any]], list[Any]]:
    """Turns checked text values into database values, in place, and appends search_name."""
    pos = {c.field: j for j, c in enumerate(columns)}
    p_statut, p_date = pos["statut_diffusion"], pos["date_creation"]
    if kind == "StockEtablissement":
        p_siege, p_denom, p_enseigne = pos["is_siege"], pos["denomination_usuelle"], pos["enseigne"]

        def convert_etab(v: list[Any]) -> list[Any]:
            if not v[p_statut]:
                v[p_statut] = "O"
            v[p_siege] = v[p_siege] == "true"
            if not v[p_date]:
                v[p_date] = None
            name = v[p_denom] or v[p_enseigne]
            v.append(search_key(name) if name else "")
            return v

        return convert_etab
    p_denom, p_nom, p_usage, p_prenom = (
        pos["denomination"], pos["nom"], pos["nom_usage"], pos["prenom"]
    )  # fmt: skip

    def convert_unite(v: list[Any]) -> list[Any]:
        if not v[p_statut]:
            v[p_statut] = "O"
        if not v[p_date]:
            v[p_date] = None
        name = v[p_denom] or " ".join(p for p in (v[p_usage] or v[p_nom], v[p_prenom]) if p)
        v.append(search_key(name) if name else "")
        return v

    return convert_unite


def _rows(
    reader: Any,
    header: list[str],
    kind: str,
    result: ImportResult,
    strict_errors: list[str],
    skip_invalid: bool,
) -> Iterator[tuple[int, list[Any]]]:
    """Yield (line, database values in the order of the stock's columns), checking each row.
    A column absent from the file (an older stock) gets its default value."""
    columns = STOCKS[kind][1]
    width = len(header)
    # Absent columns read the empty string appended to every row.
    index = [header.index(c.header) if c.header in header else width for c in columns]
    pick = operator.itemgetter(*index)
    fast_ok = _fast_check(kind, columns)
    convert = _converter(kind, columns)
    for row in reader:
        result.rows += 1
        if len(row) == width:
            row.append("")
            values = list(pick(row))
            if MASKED in values:
                values = ["" if v == MASKED else v for v in values]
            if fast_ok(values):
                if not strict_errors:
                    yield reader.line_num, convert(values)
                continue
            problems = _problems(kind, columns, values)
            if not problems:
                if not strict_errors:
                    yield reader.line_num, convert(values)
                continue
        else:
            problems = [
                f"{len(row)} champs au lieu de {width} (ligne tronquée ou séparateur erroné)"
            ]
        message = f"ligne {reader.line_num} : " + " ; ".join(problems)
        if skip_invalid:
            result.skipped += 1
            if len(result.errors) < MAX_ERRORS_SHOWN:
                result.errors.append(message)
        else:
            # Keep reading to report every bad line; nothing will be written.
            strict_errors.append(message)


class _Writer:
    """Upserts batches of rows into the stock's table, counting created, updated and unchanged
    rows (an identical row is not rewritten: re-importing the same stock writes nothing)."""

    def __init__(self, kind: str) -> None:
        model, columns, key = STOCKS[kind]
        self.table = model._meta.db_table
        self.key = key
        self.fields = [*(c.field for c in columns), "search_name"]
        self.created = 0
        self.updated = 0
        self.unchanged = 0
        self.postgres = connection.vendor == "postgresql"
        names = ", ".join(f'"{f}"' for f in self.fields)
        others = [f for f in self.fields if f != key]
        updates = ", ".join(f'"{f}" = excluded."{f}"' for f in others)
        current = ", ".join(f't."{f}"' for f in others)
        incoming = ", ".join(f'excluded."{f}"' for f in others)
        self.columns = names
        self.deferred_indexes: list[tuple[str, str]] = []
        if self.postgres:
            self.merge = (
                f'WITH merged AS (INSERT INTO "{self.table}" AS t ({names}) '  # noqa: S608
                f'SELECT DISTINCT ON ("{key}") {names} FROM "sirene_load" '
                f'ORDER BY "{key}", "line" DESC '
                f'ON CONFLICT ("{key}") DO UPDATE SET {updates} '
                f"WHERE ({current}) IS DISTINCT FROM ({incoming}) "
                "RETURNING (xmax = 0) AS inserted) "
                "SELECT COUNT(*) FILTER (WHERE inserted), COUNT(*) FROM merged"
            )
            self._prepare_postgres()
        else:
            marks = ", ".join(["%s"] * len(self.fields))
            self.upsert = (
                f'INSERT INTO "{self.table}" AS t ({names}) VALUES ({marks}) '  # noqa: S608
                f'ON CONFLICT ("{key}") DO UPDATE SET {updates} '
                f"WHERE ({current}) IS NOT ({incoming})"
            )

    def _prepare_postgres(self) -> None:
        with connection.cursor() as cursor:
            # Inside an outer transaction (tests) ON COMMIT has not dropped the previous one yet.
            cursor.execute('DROP TABLE IF EXISTS pg_temp."sirene_load"')
            cursor.execute(
                f'CREATE TEMP TABLE "sirene_load" ON COMMIT DROP AS SELECT {self.columns} '  # noqa: S608
                f'FROM "{self.table}" WITH NO DATA'
            )
            cursor.execute('ALTER TABLE "sirene_load" ADD COLUMN "line" bigint')
            cursor.execute(f'SELECT EXISTS (SELECT 1 FROM "{self.table}")')  # noqa: S608
            empty = not cursor.fetchone()[0]
            if empty:
                # A first load: building the secondary indexes once at the end is much faster
                # than maintaining them row by row. DDL is transactional in PostgreSQL, so a
                # failed import rolls the indexes back with the rows.
                cursor.execute(
                    "SELECT i.indexname, i.indexdef FROM pg_indexes i JOIN pg_index x "
                    "ON x.indexrelid = format('%%I.%%I', i.schemaname, i.indexname)::regclass "
                    "WHERE i.schemaname = current_schema() AND i.tablename = %s "
                    "AND NOT x.indisunique AND NOT x.indisprimary",
                    [self.table],
                )
                self.deferred_indexes = list(cursor.fetchall())
                for name, _definition in self.deferred_indexes:
                    cursor.execute(f'DROP INDEX "{name}"')

    def finish(self) -> None:
        """Rebuild the indexes set aside for a first load."""
        if self.deferred_indexes:
            with connection.cursor() as cursor:
                for _name, definition in self.deferred_indexes:
                    cursor.execute(definition)

    def write(self, batch: list[tuple[int, list[Any]]]) -> None:
        if not batch:
            return
        if self.postgres:
            self._write_postgres(batch)
        else:
            self._write_sqlite(batch)

    def _write_sqlite(self, batch: list[tuple[int, list[Any]]]) -> None:
        raw = connection.connection  # the sqlite3 connection: total_changes counts writes
        with connection.cursor() as cursor:
            cursor.execute(f'SELECT COALESCE(MAX(rowid), 0) FROM "{self.table}"')  # noqa: S608
            last_rowid = cursor.fetchone()[0]
            changes = raw.total_changes
            cursor.executemany(self.upsert, [values for _line, values in batch])
            written = raw.total_changes - changes
            cursor.execute(f'SELECT COUNT(*) FROM "{self.table}" WHERE rowid > %s', [last_rowid])  # noqa: S608
            created = cursor.fetchone()[0]
        self.created += created
        self.updated += written - created
        self.unchanged += len(batch) - written

    def _write_postgres(self, batch: list[tuple[int, list[Any]]]) -> None:
        with connection.cursor() as cursor:
            raw = cursor.cursor  # the psycopg cursor, for COPY
            with raw.copy(f'COPY "sirene_load" ({self.columns}, "line") FROM STDIN') as copy:
                for line, values in batch:
                    values.append(line)
                    copy.write_row(values)
            # A key repeated in one file: the last line wins, as with the SQLite upsert.
            cursor.execute(self.merge)
            created, written = cursor.fetchone()
            cursor.execute('TRUNCATE "sirene_load"')
        self.created += created
        self.updated += written - created
        self.unchanged += len(batch) - written


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
        text = io.TextIOWrapper(raw, encoding="utf-8-sig", newline="")
        reader = csv.reader(text, delimiter=",", quotechar='"', strict=True)
        try:
            header = [h.strip() for h in next(reader)]
        except StopIteration as exc:
            raise SireneImportError(f"{path.name} : fichier vide.") from exc
        except UnicodeDecodeError as exc:
            raise _encoding_error(path) from exc
        if len(header) == 1 and ";" in header[0]:
            raise SireneImportError(
                "Ligne 1 : le séparateur doit être la virgule (le fichier utilise « ; »)."
            )
        kind = detect_stock(header)
        result = ImportResult(kind=kind)
        strict_errors: list[str] = []
        with transaction.atomic():
            writer = _Writer(kind)
            batch: list[tuple[int, list[Any]]] = []
            try:
                for item in _rows(reader, header, kind, result, strict_errors, skip_invalid):
                    batch.append(item)
                    if len(batch) >= batch_size:
                        writer.write(batch)
                        if progress:
                            progress(len(batch))
                        batch = []
            except UnicodeDecodeError as exc:
                # Raising inside the atomic block rolls back every batch already written.
                raise _encoding_error(path) from exc
            except csv.Error as exc:
                raise SireneImportError(
                    f"Ligne {reader.line_num} : CSV illisible ({exc})."
                ) from exc
            if strict_errors:
                raise SireneImportError(
                    f"{path.name} : {len(strict_errors)} ligne(s) invalide(s), rien n'a été "
                    "importé.",
                    strict_errors[:MAX_ERRORS_SHOWN],
                )
            writer.write(batch)
            writer.finish()
            if progress:
                progress(len(batch))
        result.created, result.updated = writer.created, writer.updated
        result.unchanged = writer.unchanged
        return result
