"""Engagements juridiques published by a public structure (C.5): by form and by CSV import."""

from __future__ import annotations

import csv
import datetime
import io
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from choeur.core.audit import audit_log_write, snapshot
from choeur.structures import perms
from choeur.structures.enums import EngagementState, EngagementType
from choeur.structures.errors import StructureError
from choeur.structures.models import EngagementJuridique, Service, Structure
from choeur.structures.services._common import changed, require, unique_or_error

FIELDS = [
    "number",
    "kind",
    "service",
    "amount_ht",
    "amount_ttc",
    "state",
    "date",
    "end_date",
    "supplier_identifier",
]
NUMBER_MAX = 50
IMPORT_MAX_BYTES = 5 * 1024 * 1024
IMPORT_MAX_LINES = 20_000
AMOUNT_MAX = Decimal("9999999999999.99")
# Columns of the import file; the first line names them (any order, case-insensitive).
CSV_COLUMNS = [
    "numero",
    "type",
    "code_service",
    "montant_ht",
    "montant_ttc",
    "etat",
    "date",
    "date_fin",
    "fournisseur",
]
CSV_REQUIRED = ["numero", "montant_ht", "date"]


@dataclass
class ImportResult:
    created: int = 0
    updated: int = 0


class EngagementImportError(StructureError):
    """The file is refused as a whole; `errors` lists every problem with its line number."""

    def __init__(self, *, errors: list[str]) -> None:
        super().__init__(
            _("Le fichier contient %(count)s erreur(s) : aucun engagement n'a été importé.")
            % {"count": len(errors)}
        )
        self.errors = errors


def _check(
    *,
    structure: Structure,
    number: str,
    kind: str,
    service: Service | None,
    amount_ht: Decimal,
    amount_ttc: Decimal | None,
    state: str,
    date: datetime.date,
    end_date: datetime.date | None,
) -> str:
    number = (number or "").strip()
    if not number:
        raise StructureError(_("Le numéro d'engagement est obligatoire."), field="number")
    if len(number) > NUMBER_MAX:
        raise StructureError(
            _("Le numéro d'engagement dépasse %(number_max)s caractères.")
            % {"number_max": NUMBER_MAX},
            field="number",
        )
    if kind not in EngagementType.values:
        raise StructureError(_("Type d'engagement inconnu."), field="kind")
    if state not in EngagementState.values:
        raise StructureError(_("État d'engagement inconnu."), field="state")
    if service is not None and service.structure_id != structure.pk:
        raise StructureError(_("Ce service n'appartient pas à la structure."), field="service")
    if amount_ht is None or amount_ht < 0 or amount_ht > AMOUNT_MAX:
        raise StructureError(_("Le montant HT doit être un montant positif."), field="amount_ht")
    if amount_ttc is not None and (amount_ttc < 0 or amount_ttc > AMOUNT_MAX):
        raise StructureError(_("Le montant TTC doit être un montant positif."), field="amount_ttc")
    if amount_ttc is not None and amount_ttc < amount_ht:
        raise StructureError(
            _("Le montant TTC ne peut pas être inférieur au montant HT."), field="amount_ttc"
        )
    if date is None:
        raise StructureError(_("La date de l'engagement est obligatoire."), field="date")
    if end_date is not None and end_date < date:
        raise StructureError(
            _("La fin de validité précède la date de l'engagement."), field="end_date"
        )
    return number


def _values(engagement: EngagementJuridique) -> dict[str, Any]:
    values = snapshot(engagement, FIELDS)
    values["service"] = engagement.service.code if engagement.service else ""
    return values


def engagement_create(
    *,
    actor: Any,
    structure: Structure,
    number: str,
    amount_ht: Decimal,
    date: datetime.date,
    kind: str = EngagementType.BON_DE_COMMANDE,
    service: Service | None = None,
    amount_ttc: Decimal | None = None,
    state: str = EngagementState.COMMANDE,
    end_date: datetime.date | None = None,
    supplier_identifier: str = "",
) -> EngagementJuridique:
    require(perms.can_manage_engagements(actor, structure))
    number = _check(
        structure=structure,
        number=number,
        kind=kind,
        service=service,
        amount_ht=amount_ht,
        amount_ttc=amount_ttc,
        state=state,
        date=date,
        end_date=end_date,
    )
    if EngagementJuridique.objects.filter(structure=structure, number=number).exists():
        raise StructureError(
            _("L'engagement « %(number)s » existe déjà.") % {"number": number}, field="number"
        )
    duplicate = _("L'engagement « %(number)s » existe déjà.") % {"number": number}
    with transaction.atomic(), unique_or_error(duplicate, field="number"):
        engagement = EngagementJuridique.objects.create(
            structure=structure,
            number=number,
            kind=kind,
            service=service,
            amount_ht=amount_ht,
            amount_ttc=amount_ttc,
            state=state,
            date=date,
            end_date=end_date,
            supplier_identifier=(supplier_identifier or "").strip(),
        )
        audit_log_write(
            actor=actor, action="engagement.create", obj=engagement, after=_values(engagement)
        )
    return engagement


def engagement_update(
    *,
    actor: Any,
    engagement: EngagementJuridique,
    amount_ht: Decimal,
    date: datetime.date,
    kind: str = EngagementType.BON_DE_COMMANDE,
    service: Service | None = None,
    amount_ttc: Decimal | None = None,
    state: str = EngagementState.COMMANDE,
    end_date: datetime.date | None = None,
    supplier_identifier: str = "",
) -> EngagementJuridique:
    """Change an engagement; its number, which invoices cite, never changes."""
    structure = engagement.structure
    require(perms.can_manage_engagements(actor, structure))
    _check(
        structure=structure,
        number=engagement.number,
        kind=kind,
        service=service,
        amount_ht=amount_ht,
        amount_ttc=amount_ttc,
        state=state,
        date=date,
        end_date=end_date,
    )
    with transaction.atomic():
        engagement = EngagementJuridique.objects.select_for_update().get(pk=engagement.pk)
        before = _values(engagement)
        engagement.kind = kind
        engagement.service = service
        engagement.amount_ht = amount_ht
        engagement.amount_ttc = amount_ttc
        engagement.state = state
        engagement.date = date
        engagement.end_date = end_date
        engagement.supplier_identifier = (supplier_identifier or "").strip()
        before, after = changed(before, _values(engagement))
        if after:
            engagement.save()
            audit_log_write(
                actor=actor, action="engagement.update", obj=engagement, before=before, after=after
            )
    return engagement


def _decode(data: bytes) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        # Spreadsheets in France often save CSV in Windows-1252.
        return data.decode("cp1252", errors="strict")


def parse_amount(text: str) -> Decimal | None:
    """« 1 234,56 », « 1234.56 » → Decimal; None for an empty cell; raises ValueError."""
    cleaned = (text or "").strip().replace("\u00a0", "").replace("\u202f", "").replace(" ", "")
    if not cleaned:
        return None
    if "," in cleaned:
        cleaned = cleaned.replace(".", "").replace(",", ".")
    try:
        value = Decimal(cleaned)
    except InvalidOperation as exc:
        raise ValueError(text) from exc
    if not value.is_finite() or value.as_tuple().exponent < -2:  # type: ignore[operator]
        raise ValueError(text)
    return value


def parse_date(text: str) -> datetime.date | None:
    """JJ/MM/AAAA or AAAA-MM-JJ; None for an empty cell; raises ValueError."""
    cleaned = (text or "").strip()
    if not cleaned:
        return None
    for fmt in ("%d/%m/%Y", "%Y-%m-%d"):
        try:
            return datetime.datetime.strptime(cleaned, fmt).date()  # noqa: DTZ007 - a date only
        except ValueError:
            continue
    raise ValueError(text)


def engagement_import_csv(*, actor: Any, structure: Structure, data: bytes) -> ImportResult:
    """Import a CSV file (`;` or `,`): every line is checked first and the file is imported only
    if none has an error (all or nothing). A known number updates its engagement."""
    require(perms.can_manage_engagements(actor, structure))
    if len(data) > IMPORT_MAX_BYTES:
        raise EngagementImportError(errors=[_("Le fichier dépasse 5 Mo.")])
    try:
        text = _decode(data)
    except UnicodeDecodeError:
        raise EngagementImportError(
            errors=[_("Encodage illisible : enregistrez le fichier en UTF-8.")]
        ) from None
    lines = text.splitlines()
    if not lines or not lines[0].strip():
        raise EngagementImportError(errors=[_("Le fichier est vide.")])
    delimiter = ";" if lines[0].count(";") >= lines[0].count(",") else ","
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    header = [name.strip().lower() for name in next(reader)]
    missing = [name for name in CSV_REQUIRED if name not in header]
    unknown = [name for name in header if name and name not in CSV_COLUMNS]
    errors: list[str] = []
    if missing:
        errors.append(
            _("Ligne 1 : colonne(s) obligatoire(s) absente(s) : %(columns)s.")
            % {"columns": ", ".join(missing)}
        )
    if unknown:
        errors.append(
            _("Ligne 1 : colonne(s) inconnue(s) : %(columns)s.") % {"columns": ", ".join(unknown)}
        )
    if errors:
        raise EngagementImportError(errors=errors)
    services = {s.code.upper(): s for s in Service.objects.filter(structure=structure)}
    existing = {e.number: e for e in EngagementJuridique.objects.filter(structure=structure)}
    rows: list[dict[str, Any]] = []
    seen: dict[str, int] = {}
    for line_number, cells in enumerate(reader, start=2):
        if line_number > IMPORT_MAX_LINES + 1:
            errors.append(
                _("Le fichier dépasse %(import_max_lines)s lignes.")
                % {"import_max_lines": IMPORT_MAX_LINES}
            )
            break
        if not any(cell.strip() for cell in cells):
            continue
        if len(cells) != len(header):
            errors.append(
                _("Ligne %(line_number)s : %(count)s colonne(s) au lieu de %(expected)s.")
                % {"line_number": line_number, "count": len(cells), "expected": len(header)}
            )
            continue
        row = dict(zip(header, (cell.strip() for cell in cells), strict=True))
        problems: list[str] = []
        values: dict[str, Any] = {}
        try:
            values["amount_ht"] = parse_amount(row.get("montant_ht", ""))
            if values["amount_ht"] is None:
                problems.append(_("montant HT manquant"))
        except ValueError:
            problems.append(
                _("montant HT invalide « %(value)s »") % {"value": row.get("montant_ht")}
            )
        try:
            values["amount_ttc"] = parse_amount(row.get("montant_ttc", ""))
        except ValueError:
            problems.append(
                _("montant TTC invalide « %(value)s »") % {"value": row.get("montant_ttc")}
            )
        for key, column in (("date", "date"), ("end_date", "date_fin")):
            try:
                values[key] = parse_date(row.get(column, ""))
            except ValueError:
                problems.append(
                    _("date invalide « %(value)s » (JJ/MM/AAAA attendu)")
                    % {"value": row.get(column)}
                )
        if (
            "date" in values
            and values["date"] is None
            and not any("date invalide" in p for p in problems)
        ):
            problems.append(_("date manquante"))
        code = row.get("code_service", "")
        values["service"] = None
        if code:
            values["service"] = services.get(code.upper())
            if values["service"] is None:
                problems.append(_("code service inconnu « %(code)s »") % {"code": code})
        values["kind"] = (row.get("type") or EngagementType.BON_DE_COMMANDE).upper()
        values["state"] = (row.get("etat") or EngagementState.COMMANDE).upper()
        values["supplier_identifier"] = row.get("fournisseur", "")[:20]
        number = row.get("numero", "")
        if number in seen:
            problems.append(
                _("numéro « %(number)s » déjà présent ligne %(previous)s")
                % {"number": number, "previous": seen[number]}
            )
        elif number:
            seen[number] = line_number
        if not problems:
            try:
                values["number"] = _check(
                    structure=structure,
                    number=number,
                    **{
                        k: values[k]
                        for k in (
                            "kind",
                            "service",
                            "amount_ht",
                            "amount_ttc",
                            "state",
                            "date",
                            "end_date",
                        )
                    },
                )
            except StructureError as exc:
                problems.append(exc.message[0].lower() + exc.message[1:].rstrip("."))
        if problems:
            errors.append(
                _("Ligne %(line)s : %(problems)s.")
                % {"line": line_number, "problems": " ; ".join(problems)}
            )
        else:
            rows.append(values)
    if errors:
        raise EngagementImportError(errors=errors)
    if not rows:
        raise EngagementImportError(errors=[_("Le fichier ne contient aucun engagement.")])
    result = ImportResult()
    with transaction.atomic():
        for values in rows:
            current = existing.get(values["number"])
            if current is None:
                engagement = EngagementJuridique.objects.create(structure=structure, **values)
                audit_log_write(
                    actor=actor,
                    action="engagement.import",
                    obj=engagement,
                    after=_values(engagement),
                )
                result.created += 1
                continue
            before = _values(current)
            for key, value in values.items():
                setattr(current, key, value)
            before, after = changed(before, _values(current))
            if after:
                current.save()
                audit_log_write(
                    actor=actor, action="engagement.import", obj=current, before=before, after=after
                )
                result.updated += 1
    return result
