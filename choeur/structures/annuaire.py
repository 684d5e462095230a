"""The directory of public structures: import and export of the annuaire files.

Three formats are read (see docs/annuaire.md), told apart by their header:
- the structures file of the real platform (reference F): `;`-separated, 21 columns
  TypeIdentifiant ... LibellePays;
- Chœur's services file: TypeIdentifiant;Identifiant;CodeService;LibelleService;
  GestionEngagement;ServiceActif;
- the sandbox « matelas de données » (Entite;Libelle;Valeur): its public recipients.
The files of one import are checked completely first; any error (with its file and line) and
nothing is written. Then structures and services are upserted in one transaction.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction

from choeur.core.csvfile import csv_writer
from choeur.core.text import search_key
from choeur.directory.identifiers import compact, siret_error
from choeur.structures.enums import IdentifierType, StructureKind
from choeur.structures.models import Service, Structure

STRUCTURE_COLUMNS = [
    "TypeIdentifiant",
    "Identifiant",
    "RaisonSociale",
    "EmetteurEdi",
    "RecepteurEdi",
    "GestionStatutMiseEnPaiement",
    "GestionEngagement",
    "GestionService",
    "GestionServiceEngagement",
    "EstMOA",
    "EstMOAUniquement",
    "StructureActive",
    "Adresse",
    "ComplementAdresse1",
    "ComplementAdresse2",
    "CodePostal",
    "Ville",
    "NumTelephone",
    "Courriel",
    "CodePays",
    "LibellePays",
]
SERVICE_COLUMNS = [
    "TypeIdentifiant",
    "Identifiant",
    "CodeService",
    "LibelleService",
    "GestionEngagement",
    "ServiceActif",
]
MATELAS_COLUMNS = ["Entite", "Libelle", "Valeur"]

# Column -> Structure field, for the flags.
FLAGS = {
    "EmetteurEdi": "edi_emitter",
    "RecepteurEdi": "edi_receiver",
    "GestionStatutMiseEnPaiement": "payment_status_reported",
    "GestionEngagement": "engagement_required",
    "GestionService": "code_service_required",
    "GestionServiceEngagement": "engagement_or_service_required",
    "EstMOA": "is_moa",
    "EstMOAUniquement": "is_moa_only",
    "StructureActive": "is_active",
}
# Column -> (Structure field, max length)
TEXTS = {
    "RaisonSociale": ("raison_sociale", 255),
    "Adresse": ("adresse", 255),
    "ComplementAdresse1": ("complement_adresse_1", 255),
    "ComplementAdresse2": ("complement_adresse_2", 255),
    "CodePostal": ("code_postal", 10),
    "Ville": ("ville", 100),
    "NumTelephone": ("telephone", 30),
    "Courriel": ("email", 254),
    "CodePays": ("code_pays", 2),
    "LibellePays": ("libelle_pays", 100),
}
TRUE = {"true", "1", "oui", "o", "vrai", "yes", "y", "x"}
FALSE = {"false", "0", "non", "n", "faux", "no", ""}
MAX_ERRORS = 100


class AnnuaireImportError(Exception):
    def __init__(self, errors: list[str]) -> None:
        super().__init__(f"{len(errors)} erreur(s) : rien n'a été importé.")
        self.errors = errors


@dataclass
class AnnuaireResult:
    structures_created: int = 0
    structures_updated: int = 0
    services_created: int = 0
    services_updated: int = 0
    warnings: list[str] = field(default_factory=list)


@dataclass
class _Parsed:
    # (identifier_type, identifier) -> Structure field values
    structures: dict[tuple[str, str], dict[str, Any]] = field(default_factory=dict)
    # (identifier_type, identifier, code) -> Service field values
    services: dict[tuple[str, str, str], dict[str, Any]] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    # Keys whose names (structure raison sociale, service label) only apply on creation: the
    # sandbox dataset has no real names and must not overwrite better ones.
    soft_names: set[tuple[str, ...]] = field(default_factory=set)


def _decode(name: str, data: bytes, errors: list[str]) -> str | None:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        errors.append(
            f"{name}, ligne {line} : le fichier n'est pas en UTF-8. Enregistrez-le en "
            "« CSV UTF-8 (délimité par des points-virgules) »."
        )
        return None


def _boolean(value: str) -> bool | None:
    value = value.strip().lower()
    if value in TRUE:
        return True
    if value in FALSE:
        return False
    return None


def _identifier(kind: str, raw: str) -> tuple[str, str | None]:
    """(identifier, error). A SIRET that lost its leading zeros in a spreadsheet is re-padded."""
    value = compact(raw)
    if kind == IdentifierType.SIRET:
        if value.isdigit() and len(value) < 14:
            value = value.zfill(14)
        message = siret_error(value)
        if message:
            return value, f"identifiant « {raw} » : {message}"
        return value, None
    if not value or len(value) > 20:
        return value, f"identifiant « {raw} » vide ou trop long (20 caractères au plus)"
    return value, None


def _kind(raw: str) -> tuple[str, str | None]:
    value = raw.strip().upper()
    if value in IdentifierType.values:
        return value, None
    allowed = ", ".join(IdentifierType.values)
    return value, f"type d'identifiant « {raw} » inconnu (valeurs admises : {allowed})"


def _parse_structures(name: str, rows: Iterable[tuple[int, dict[str, str]]], out: _Parsed) -> None:
    for line, row in rows:
        problems: list[str] = []
        kind, problem = _kind(row["TypeIdentifiant"])
        if problem:
            problems.append(problem)
        identifier, problem = _identifier(kind, row["Identifiant"])
        if problem:
            problems.append(problem)
        values: dict[str, Any] = {}
        for column, field_name in FLAGS.items():
            flag = _boolean(row[column])
            if flag is None:
                problems.append(f"{column} « {row[column]} » n'est pas un booléen (true/false)")
            values[field_name] = flag
        for column, (field_name, length) in TEXTS.items():
            text = row[column].strip()
            if len(text) > length:
                problems.append(f"{column} trop long ({len(text)} caractères, {length} au plus)")
            values[field_name] = text
        if not values["raison_sociale"]:
            problems.append("RaisonSociale vide")
        if values["email"]:
            try:
                validate_email(values["email"])
            except ValidationError:
                problems.append(f"Courriel « {values['email']} » invalide")
        values["code_pays"] = (values["code_pays"] or "FR").upper()
        if not (len(values["code_pays"]) == 2 and values["code_pays"].isalpha()):
            problems.append(f"CodePays « {values['code_pays']} » invalide (2 lettres)")
        values["libelle_pays"] = values["libelle_pays"] or "France"
        key = (kind, identifier)
        if not problems and key in out.structures:
            problems.append(f"structure {identifier} déjà présente plus haut dans le fichier")
        if problems:
            out.errors.append(f"{name}, ligne {line} : " + " ; ".join(problems))
            continue
        out.structures[key] = values


def _parse_services(
    name: str, rows: Iterable[tuple[int, dict[str, str]]], out: _Parsed, known: set[tuple[str, str]]
) -> None:
    for line, row in rows:
        problems: list[str] = []
        kind, problem = _kind(row["TypeIdentifiant"])
        if problem:
            problems.append(problem)
        identifier, problem = _identifier(kind, row["Identifiant"])
        if problem:
            problems.append(problem)
        code = row["CodeService"].strip()
        label = row["LibelleService"].strip()
        if not code or len(code) > 100:
            problems.append("CodeService vide ou trop long (100 caractères au plus)")
        if not label or len(label) > 255:
            problems.append("LibelleService vide ou trop long (255 caractères au plus)")
        engagement = _boolean(row["GestionEngagement"])
        active = _boolean(row["ServiceActif"] or "true")
        if engagement is None:
            problems.append(
                f"GestionEngagement « {row['GestionEngagement']} » n'est pas un booléen"
            )
        if active is None:
            problems.append(f"ServiceActif « {row['ServiceActif']} » n'est pas un booléen")
        if (
            not problems
            and (kind, identifier) not in known
            and (kind, identifier) not in out.structures
        ):
            problems.append(
                f"la structure {identifier} n'est ni dans l'annuaire ni dans le fichier des structures"
            )
        if not problems and (kind, identifier, code) in out.services:
            problems.append(f"service {code} déjà présent plus haut dans le fichier")
        if problems:
            out.errors.append(f"{name}, ligne {line} : " + " ; ".join(problems))
            continue
        out.services[(kind, identifier, code)] = {
            "name": label,
            "engagement_required": engagement,
            "is_active": active,
        }


# The sandbox's rule-test recipients: entity label -> parameters (matelas de données 2024).
_NONE = {
    "code_service_required": False,
    "engagement_required": False,
    "engagement_or_service_required": False,
}
MATELAS_PARAMETERS: dict[str, dict[str, bool]] = {
    "Destinataire Etat": _NONE | {"code_service_required": True},
    "Destinataire avec service obligatoire": _NONE | {"code_service_required": True},
    "Destinataire avec EJ obligatoire": _NONE | {"engagement_required": True},
    "Destinataire avec EJ ou service obligatoire": _NONE | {"engagement_or_service_required": True},
    "Destinataire sans paramètre": _NONE,
    # The role-play recipients: their parameters are not given by the dataset.
    "Destinataire": {},
    "Destinataire 2": {},
    "MOA": {"is_moa": True},
}


def _parse_matelas(name: str, rows: Iterable[tuple[int, dict[str, str]]], out: _Parsed) -> None:
    """The public recipients of the sandbox dataset; its private roles are left out."""
    sirets: dict[str, tuple[int, str]] = {}
    codes: dict[str, list[str]] = {}
    for line, row in rows:
        entity, label, value = row["Entite"].strip(), row["Libelle"].strip(), row["Valeur"].strip()
        if entity not in MATELAS_PARAMETERS:
            continue
        if label == "SIRET Structure":
            sirets[entity] = (line, value)
        elif label == "Code du service":
            codes.setdefault(entity, []).append(value)
    for entity, (line, raw) in sirets.items():
        identifier, problem = _identifier(IdentifierType.SIRET, raw)
        if problem:
            # The sandbox generates some SIRETs without a valid key: they cannot be referenced.
            out.warnings.append(f"{name}, ligne {line} : {entity} ignoré, {problem}")
            continue
        values = {
            "raison_sociale": f"{entity.upper()} (BAC À SABLE CHORUS PRO)",
            "payment_status_reported": True,
            "is_active": True,
        } | MATELAS_PARAMETERS[entity]
        out.structures[(IdentifierType.SIRET, identifier)] = values
        out.soft_names.add((IdentifierType.SIRET, identifier))
        for code in codes.get(entity, []):
            out.soft_names.add((IdentifierType.SIRET, identifier, code))
            out.services[(IdentifierType.SIRET, identifier, code)] = {
                "name": "Service acheteur"
                if code == "Acheteur"
                else code.replace("_", " ").capitalize(),
                "engagement_required": False,
                "is_active": True,
            }


def _read(
    name: str, data: bytes, out: _Parsed
) -> tuple[str, list[tuple[int, dict[str, str]]]] | None:
    text = _decode(name, data, out.errors)
    if text is None:
        return None
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=";")
    try:
        header = [h.strip() for h in next(reader)]
    except StopIteration:
        out.errors.append(f"{name} : fichier vide.")
        return None
    except csv.Error as exc:
        out.errors.append(f"{name}, ligne 1 : CSV illisible ({exc}).")
        return None
    if "CodeService" in header:
        kind, columns = "services", SERVICE_COLUMNS
    elif "Entite" in header and "Valeur" in header:
        kind, columns = "matelas", MATELAS_COLUMNS
    elif "TypeIdentifiant" in header or "RaisonSociale" in header:
        kind, columns = "structures", STRUCTURE_COLUMNS
    else:
        out.errors.append(
            f"{name}, ligne 1 : en-tête non reconnu. Attendu : « {';'.join(STRUCTURE_COLUMNS)} » "
            f"(structures) ou « {';'.join(SERVICE_COLUMNS)} » (services). Le séparateur est « ; »."
        )
        return None
    missing = [c for c in columns if c not in header]
    if missing:
        out.errors.append(f"{name}, ligne 1 : colonne(s) absente(s) : {', '.join(missing)}.")
        return None
    rows: list[tuple[int, dict[str, str]]] = []
    try:
        for row in reader:
            if not any(cell.strip() for cell in row):
                continue
            if len(row) != len(header):
                out.errors.append(
                    f"{name}, ligne {reader.line_num} : {len(row)} champs au lieu de {len(header)} "
                    "(ligne tronquée ou point-virgule en trop)"
                )
                continue
            rows.append((reader.line_num, dict(zip(header, row, strict=True))))
    except csv.Error as exc:
        out.errors.append(f"{name}, ligne {reader.line_num} : CSV illisible ({exc}).")
    return kind, rows


def annuaire_import(*, files: list[tuple[str, bytes]]) -> AnnuaireResult:
    """Import annuaire files [(name, content)]: all or nothing. Raises AnnuaireImportError."""
    parsed = _Parsed()
    read = [(name, _read(name, data, parsed)) for name, data in files]
    # Structures first, so that a services file may name structures of the same import.
    for name, item in read:
        if item and item[0] == "structures":
            _parse_structures(name, item[1], parsed)
        elif item and item[0] == "matelas":
            _parse_matelas(name, item[1], parsed)
    service_keys = {(k, i) for (k, i, _c) in _service_rows(read)}
    known = set(
        Structure.objects.filter(identifier__in=[i for _k, i in service_keys]).values_list(
            "identifier_type", "identifier"
        )
    )
    for name, item in read:
        if item and item[0] == "services":
            _parse_services(name, item[1], parsed, known)
    if parsed.errors:
        order = {name: index for index, (name, _data) in enumerate(files)}

        def position(message: str) -> tuple[int, int]:
            name, _sep, rest = message.partition(", ligne ")
            line = rest.split(" ", 1)[0]
            return order.get(name, len(order)), int(line) if line.isdigit() else 0

        raise AnnuaireImportError(sorted(parsed.errors, key=position)[:MAX_ERRORS])
    result = _write(parsed)
    result.warnings = parsed.warnings
    return result


def _service_rows(read: list[tuple[str, Any]]) -> list[tuple[str, str, str]]:
    keys = []
    for _name, item in read:
        if item and item[0] == "services":
            for _line, row in item[1]:
                kind = row["TypeIdentifiant"].strip().upper()
                identifier, _problem = _identifier(kind, row["Identifiant"])
                keys.append((kind, identifier, row["CodeService"].strip()))
    return keys


def _write(parsed: _Parsed) -> AnnuaireResult:
    result = AnnuaireResult()
    with transaction.atomic():
        existing = {
            (s.identifier_type, s.identifier): s
            for s in Structure.objects.filter(identifier__in=[i for _k, i in parsed.structures])
        }
        new, changed = [], []
        for (kind, identifier), values in parsed.structures.items():
            values = values | {"is_public": True, "kind": StructureKind.STRUCTURE_PUBLIQUE}
            structure = existing.get((kind, identifier))
            if (kind, identifier) in parsed.soft_names and structure is not None:
                values.pop("raison_sociale")
            if "raison_sociale" in values:
                # bulk_create/bulk_update skip save(): keep the search key in step here.
                values["search_name"] = search_key(values["raison_sociale"])
            if structure is None:
                new.append(Structure(identifier_type=kind, identifier=identifier, **values))
                continue
            if any(getattr(structure, f) != v for f, v in values.items()):
                for f, v in values.items():
                    setattr(structure, f, v)
                changed.append(structure)
        Structure.objects.bulk_create(new, batch_size=1000)
        fields = sorted(
            {f for v in parsed.structures.values() for f in v}
            | {"is_public", "kind", "search_name"}
        )
        if changed:
            Structure.objects.bulk_update(changed, fields, batch_size=1000)
        result.structures_created, result.structures_updated = len(new), len(changed)

        wanted = {(k, i) for (k, i, _c) in parsed.services}
        ids = {
            (k, i): pk
            for k, i, pk in Structure.objects.filter(
                identifier__in=[i for _k, i in wanted]
            ).values_list("identifier_type", "identifier", "pk")
        }
        current = {
            (s.structure_id, s.code): s
            for s in Service.objects.filter(structure_id__in=ids.values())
        }
        new_services, changed_services = [], []
        for (kind, identifier, code), values in parsed.services.items():
            structure_id = ids[(kind, identifier)]
            service = current.get((structure_id, code))
            if service is None:
                new_services.append(Service(structure_id=structure_id, code=code, **values))
                continue
            if (kind, identifier, code) in parsed.soft_names:
                values = {f: v for f, v in values.items() if f != "name"}
            if any(getattr(service, f) != v for f, v in values.items()):
                for f, v in values.items():
                    setattr(service, f, v)
                changed_services.append(service)
        Service.objects.bulk_create(new_services, batch_size=1000)
        if changed_services:
            Service.objects.bulk_update(
                changed_services, ["name", "engagement_required", "is_active"], batch_size=1000
            )
        result.services_created, result.services_updated = len(new_services), len(changed_services)
    return result


def annuaire_import_paths(paths: list[Path]) -> AnnuaireResult:
    missing = [str(p) for p in paths if not p.is_file()]
    if missing:
        raise AnnuaireImportError([f"{p} : fichier introuvable." for p in missing])
    return annuaire_import(files=[(p.name, p.read_bytes()) for p in paths])


def _flag(value: bool) -> str:
    return "true" if value else "false"


def structure_rows() -> Iterator[list[str]]:
    """The header, then one row per public structure (structures format)."""
    yield STRUCTURE_COLUMNS
    structures = Structure.objects.filter(is_public=True).order_by("identifier_type", "identifier")
    for structure in structures.iterator(2000):
        row = [structure.identifier_type, structure.identifier]
        for column in STRUCTURE_COLUMNS[2:]:
            if column in FLAGS:
                row.append(_flag(getattr(structure, FLAGS[column])))
            else:
                row.append(getattr(structure, TEXTS[column][0]))
        yield row


def service_rows() -> Iterator[list[str]]:
    """The header, then one row per service of a public structure (services format)."""
    yield SERVICE_COLUMNS
    services = (
        Service.objects.filter(structure__is_public=True)
        .select_related("structure")
        .order_by("structure__identifier_type", "structure__identifier", "code")
    )
    for service in services.iterator(2000):
        yield [
            service.structure.identifier_type,
            service.structure.identifier,
            service.code,
            service.name,
            _flag(service.engagement_required),
            _flag(service.is_active),
        ]


def _export(out: Any, rows: Iterator[list[str]]) -> int:
    writer = csv_writer(out, delimiter=";", lineterminator="\r\n")
    count = -1  # the header is not counted
    for row in rows:
        writer.writerow(row)
        count += 1
    return count


def export_structures(out: Any) -> int:
    """Write the public structures in the structures format; returns the row count."""
    return _export(out, structure_rows())


def export_services(out: Any) -> int:
    """Write the services of the public structures in Chœur's services format."""
    return _export(out, service_rows())
