"""« Saisir une facture » (saisie web, drafts) and « Déposer une facture PDF »."""

from __future__ import annotations

import uuid
from decimal import Decimal, InvalidOperation
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from choeur.invoices import perms, selectors
from choeur.invoices.enums import AttachmentKind, FluxStatus, TvaRegime
from choeur.invoices.forms import LineFormSet, PdfUploadForm, SaisieForm, saisie_lines
from choeur.invoices.models import Invoice, InvoiceDraft
from choeur.invoices.services.checks import check_recipient_data
from choeur.invoices.services.drafts import (
    Saisie,
    SaisieError,
    SaisieLine,
    build_pivot,
    invoice_draft_add_attachment,
    invoice_draft_delete,
    invoice_draft_save,
    invoice_submit,
)
from choeur.invoices.services.pdf import invoice_draft_from_pdf
from choeur.invoices.services.rules import attachment_problems
from choeur.invoices.views._common import menu, upload_of
from choeur.invoices.views.validation import (
    validation_deposit_message,
    validation_request_attach,
    validators_form_check,
)
from choeur.structures.models import Structure

HEADER_FIELDS = [
    "supplier",
    "recipient",
    "service_code",
    "engagement_number",
    "cadre",
    "valideur_1",
    "service_valideur_1",
    "valideur_2",
    "service_valideur_2",
    "type",
    "number",
    "preceding_number",
    "issue_date",
    "due_date",
    "currency",
    "tva_regime",
    "exemption_reason",
    "bank_account",
    "comment",
]
LINE_FIELDS = ["designation", "quantity", "unit", "unit_price", "discount", "vat_rate"]
FIELD_OF_RULE = {"DEST": "recipient", "SERV": "service_code", "EJ": "engagement_number"}


def _post_to_data(post: QueryDict) -> dict[str, Any]:
    data: dict[str, Any] = {name: post.get(name, "") for name in HEADER_FIELDS}
    try:
        total = min(int(post.get("lines-TOTAL_FORMS", "0")), 200)
    except ValueError:
        total = 0
    lines = []
    for i in range(total):
        if post.get(f"lines-{i}-DELETE"):
            continue
        line = {name: post.get(f"lines-{i}-{name}", "") for name in LINE_FIELDS}
        if any(line[name] for name in ("designation", "quantity", "unit_price")):
            lines.append(line)
    data["lines"] = lines
    return data


def _dec(value: Any) -> Decimal | None:
    try:
        return (
            Decimal(str(value).replace(",", ".").replace(" ", ""))
            if value not in (None, "")
            else None
        )
    except InvalidOperation:
        return None


def _preview(data: dict[str, Any], supplier: Structure) -> Any:
    """Server-side totals of what is typed so far (lines that do not parse are left out)."""
    lines = []
    for line in data.get("lines", []):
        quantity, price, rate = (
            _dec(line.get("quantity")),
            _dec(line.get("unit_price")),
            _dec(line.get("vat_rate")),
        )
        if quantity is None or price is None or rate is None:
            continue
        discount = _dec(line.get("discount")) or Decimal("0")
        lines.append(
            SaisieLine(str(line.get("designation") or "-"), quantity, "C62", price, rate, discount)
        )
    if not lines:
        return None
    regime = data.get("tva_regime") or TvaRegime.TVA_SUR_DEBIT
    saisie = Saisie(
        recipient=Structure(raison_sociale="-"),
        number="-",
        issue_date=_today(),
        due_date=None,
        lines=lines,
        tva_regime=regime,
    )
    try:
        return build_pivot(supplier=supplier, saisie=saisie)
    except (ArithmeticError, ValueError):
        return None


def _today() -> Any:
    from django.utils import timezone

    return timezone.localdate()


def _supplier_of(
    data: dict[str, Any], structures: list[Structure], draft: InvoiceDraft | None
) -> Structure:
    wanted = str(data.get("supplier") or "")
    for s in structures:
        if str(s.pk) == wanted:
            return s
    if draft is not None and draft.supplier in structures:
        return draft.supplier
    return structures[0]


def _unbound(
    data: dict[str, Any],
    structures: list[Structure],
    supplier: Structure,
    *,
    extra_line: bool = False,
) -> tuple[SaisieForm, Any]:
    initial = {name: data.get(name, "") for name in HEADER_FIELDS if data.get(name, "") != ""}
    initial["supplier"] = supplier.pk
    form = SaisieForm(initial=initial, structures=structures, supplier=supplier, **_routing(data))
    lines = list(data.get("lines") or [])
    if extra_line or not lines:
        lines.append({"quantity": "1", "unit": "C62", "vat_rate": "20.00"})
    formset = LineFormSet(initial=lines, prefix="lines")
    return form, formset


def _routing(data: dict[str, Any]) -> dict[str, Any]:
    """The recipient the form names, and its service: what they make mandatory is required."""
    recipient, _candidates = selectors.recipient_lookup(str(data.get("recipient", "")))
    code = str(data.get("service_code", "")).strip()
    service = None
    if recipient is not None and code:
        service = next((s for s in selectors.active_services_of(recipient) if s.code == code), None)
    return {"recipient": recipient, "service": service}


def _choose_recipient(post: QueryDict, data: dict[str, Any]) -> bool:
    """A result of the recipient search chosen (a plain submit button, no script needed): the
    structure, or one of its services, fills the form. False if nothing valid was chosen."""
    service_id = post.get("choose_service", "")
    if service_id.isdigit():
        service = selectors.receivable_service_get(service_id=int(service_id))
        if service is not None:
            data["recipient"] = service.structure.identifier
            data["service_code"] = service.code
            return True
    identifier = post.get("choose_recipient", "")
    structure = selectors.receivable_get(identifier=identifier) if identifier else None
    if structure is None:
        return False
    data["recipient"] = structure.identifier
    codes = {s.code for s in selectors.active_services_of(structure)}
    if str(data.get("service_code", "")).strip() not in codes:
        data["service_code"] = ""  # a service of the structure chosen before
    return True


def _context(
    request: HttpRequest,
    *,
    form: SaisieForm,
    formset: Any,
    data: dict[str, Any],
    supplier: Structure,
    structures: list[Structure],
    draft: InvoiceDraft | None,
    idem: str,
) -> dict[str, Any]:
    text = str(data.get("recipient", ""))
    recipient, _candidates = selectors.recipient_lookup(text)
    search = selectors.recipient_search(text) if recipient is None and text.strip() else None
    principal = None
    attachments = []
    if draft is not None:
        for a in draft.attachments.select_related("file"):
            if a.kind == AttachmentKind.PRINCIPALE and principal is None:
                principal = a
            else:
                attachments.append(a)
    return {
        "title": _("Déposer une facture PDF") if principal else _("Saisir une facture"),
        "menu": menu(request, "pdf" if principal else "saisie"),
        "form": form,
        "formset": formset,
        "draft": draft,
        "principal": principal,
        "draft_attachments": attachments,
        "recipient": recipient,
        "search": search,
        "services": selectors.active_services_of(recipient) if recipient else [],
        "preview": _preview(data, supplier),
        "idem": idem,
        "prefilled_from": data.get("prefilled_from", ""),
        "multiple_structures": len(structures) > 1,
    }


@login_required
@require_http_methods(["GET", "POST"])
def saisie(request: HttpRequest) -> HttpResponse:
    return _saisie(request, None)


@login_required
@require_http_methods(["GET", "POST"])
def draft_edit(request: HttpRequest, draft_id: int) -> HttpResponse:
    draft = selectors.draft_get_for_user(user=request.user, draft_id=draft_id)
    if draft.submitted_flux_id is not None:
        return redirect("invoices:flux_detail", flux_id=draft.submitted_flux_id)
    return _saisie(request, draft)


def _no_structure(request: HttpRequest) -> HttpResponse:
    context = {"title": _("Déposer des factures"), "menu": menu(request, "saisie")}
    return render(request, "invoices/no_structure.html", context, status=403)


def _saisie(request: HttpRequest, draft: InvoiceDraft | None) -> HttpResponse:
    structures = perms.sendable_structures(request.user)
    if not structures:
        return _no_structure(request)
    if request.method == "GET":
        data = dict(draft.data) if draft is not None else {}
        supplier = _supplier_of(data, structures, draft)
        form, formset = _unbound(data, structures, supplier)
        return render(
            request,
            "invoices/saisie.html",
            _context(
                request,
                form=form,
                formset=formset,
                data=data,
                supplier=supplier,
                structures=structures,
                draft=draft,
                idem=uuid.uuid4().hex,
            ),
        )
    data = _post_to_data(request.POST)
    if draft is not None and draft.data.get("prefilled_from"):
        data["prefilled_from"] = draft.data["prefilled_from"]
    supplier = _supplier_of(data, structures, draft)
    action = request.POST.get("action", "")
    if _choose_recipient(request.POST, data):
        action = "choose"
    idem = request.POST.get("idem", "")[:64] or uuid.uuid4().hex
    files = request.FILES.getlist("attachments")
    problems = attachment_problems([(f.name or "", f.size or 0) for f in files]) if files else []
    if problems and action == "save":
        messages.error(request, " ".join(f"{p.location} : {p.message}" for p in problems))
        action = "refused"
    # Saving keeps the form as a draft; a submission with new files keeps them on a draft too,
    # so that they travel with the deposit (bad files are refused by the form first).
    if action == "save" or (action == "submit" and files and not problems):
        try:
            draft = invoice_draft_save(user=request.user, supplier=supplier, data=data, draft=draft)
            for file in files:
                invoice_draft_add_attachment(user=request.user, draft=draft, upload=upload_of(file))
        except SaisieError as exc:
            messages.error(request, exc.message)
            return redirect("invoices:drafts")
        if action == "save":
            messages.success(
                request, _("Brouillon enregistré. Vous pouvez y revenir depuis « Brouillons ».")
            )
            return redirect("invoices:draft_edit", draft_id=draft.pk)
    if action == "submit":
        response = _submit(
            request, data=data, structures=structures, supplier=supplier, draft=draft, idem=idem
        )
        if response is not None:
            return response
        form = SaisieForm(
            request.POST, request.FILES, structures=structures, supplier=supplier, **_routing(data)
        )
        formset = LineFormSet(request.POST, prefix="lines")
        _submit_errors(request, form, formset, data=data, supplier=supplier)
    else:
        form, formset = _unbound(data, structures, supplier, extra_line=action == "add_line")
    context = _context(
        request,
        form=form,
        formset=formset,
        data=data,
        supplier=supplier,
        structures=structures,
        draft=draft,
        idem=idem,
    )
    return render(request, "invoices/saisie.html", context)


def _submit_errors(
    request: HttpRequest,
    form: SaisieForm,
    formset: Any,
    *,
    data: dict[str, Any],
    supplier: Structure,
) -> None:
    """Fill the bound forms with every error: shape, recipient rules, duplicate."""
    form_ok = form.is_valid()
    formset.is_valid()
    text = str(data.get("recipient", ""))
    recipient, _candidates = selectors.recipient_lookup(text)
    if "recipient" not in form.errors and recipient is None:
        if selectors.recipient_search(text).results:
            form.add_error(
                "recipient",
                _(
                    "Choisissez le destinataire parmi les structures publiques trouvées "
                    "(ou saisissez son SIRET)."
                ),
            )
        else:
            form.add_error(
                "recipient",
                _(
                    "Aucune structure publique ne correspond : saisissez son SIRET (14 chiffres), "
                    "son nom ou le code d'un de ses services."
                ),
            )
    if form_ok and recipient is not None:
        outcome = check_recipient_data(
            recipient_ids=[recipient.identifier],
            service_code=form.cleaned_data["service_code"],
            engagement=form.cleaned_data["engagement_number"],
            issue_date=form.cleaned_data["issue_date"],
            supplier=supplier,
        )
        for problem in outcome.problems:
            field = FIELD_OF_RULE.get(problem.rule_id.split("-")[1])
            if field == "engagement_number" and problem.rule_id == "CHOEUR-EJ-03":
                field = "service_code"
            form.add_error(field if field and field not in form.errors else None, problem.message)
        validators_form_check(form, supplier)  # A9/A12: the validator(s), or errors
        number = form.cleaned_data["number"]
        if Invoice.objects.filter(
            supplier=supplier, number=number, issue_year=form.cleaned_data["issue_date"].year
        ).exists():
            form.add_error(
                "number",
                _(
                    "Une facture n° %(number)s de cette structure existe déjà pour cette année : choisissez un autre numéro."
                )
                % {"number": number},
            )


def _submit(
    request: HttpRequest,
    *,
    data: dict[str, Any],
    structures: list[Structure],
    supplier: Structure,
    draft: InvoiceDraft | None,
    idem: str,
) -> HttpResponse | None:
    form = SaisieForm(
        request.POST, request.FILES, structures=structures, supplier=supplier, **_routing(data)
    )
    formset = LineFormSet(request.POST, prefix="lines")
    _submit_errors(request, form, formset, data=data, supplier=supplier)
    if form.errors or not formset.is_valid():
        return None
    recipient, _candidates = selectors.recipient_lookup(form.cleaned_data["recipient"])
    assert recipient is not None
    c = form.cleaned_data
    lines = saisie_lines(formset)
    saisie_data = Saisie(
        recipient=recipient,
        number=c["number"],
        issue_date=c["issue_date"],
        due_date=c["due_date"],
        lines=lines,
        service_code=c["service_code"],
        engagement_number=c["engagement_number"],
        cadre=c["cadre"],
        type=c["type"],
        currency=c["currency"],
        tva_regime=c["tva_regime"],
        exemption_reason=c["exemption_reason"],
        bank_account=c["bank_account"],
        comment=c["comment"],
        preceding_number=c["preceding_number"],
        preceding_date=c["preceding_date"],
        nature=c["nature"] or "S",
        vat_amount_eur=c["vat_amount_eur"],
    )
    choice = validators_form_check(form, supplier)
    if form.errors:
        return None
    try:
        with transaction.atomic():  # the validators are kept before integration runs
            flux = invoice_submit(
                user=request.user,
                supplier=supplier,
                saisie=saisie_data,
                draft=draft,
                idempotency_key=idem,
            )
            validation_request_attach(flux=flux, choice=choice)
    except SaisieError as exc:
        messages.error(request, exc.message)
        return None
    flux.refresh_from_db()
    invoice = flux.invoices.first()
    if invoice is not None and choice is not None:
        messages.success(request, validation_deposit_message(invoice, flux))
        return redirect("invoices:detail", invoice_id=invoice.pk)
    if invoice is not None:
        messages.success(
            request,
            _("Facture %(number)s déposée (flux %(flux)s) et mise à disposition du destinataire.")
            % {"number": invoice.number, "flux": flux.numero},
        )
        return redirect("invoices:detail", invoice_id=invoice.pk)
    if flux.status == FluxStatus.IN_REJETE:
        messages.error(request, _("La facture a été rejetée : voir le compte rendu du flux."))
    else:
        messages.success(
            request,
            _("Facture déposée (flux %(flux)s) : son intégration est en cours.")
            % {"flux": flux.numero},
        )
    return redirect("invoices:flux_detail", flux_id=flux.pk)


@login_required
@require_GET
def draft_list(request: HttpRequest) -> HttpResponse:
    context = {
        "title": _("Brouillons"),
        "menu": menu(request, "drafts"),
        "drafts": list(selectors.drafts_for_user(user=request.user)),
    }
    return render(request, "invoices/drafts.html", context)


@login_required
@require_http_methods(["POST"])
def draft_delete(request: HttpRequest, draft_id: int) -> HttpResponse:
    draft = selectors.draft_get_for_user(user=request.user, draft_id=draft_id)
    try:
        invoice_draft_delete(user=request.user, draft=draft)
    except SaisieError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Brouillon supprimé."))
    return redirect("invoices:drafts")


@login_required
@require_http_methods(["GET", "POST"])
def upload_pdf(request: HttpRequest) -> HttpResponse:
    structures = perms.sendable_structures(request.user)
    if not structures:
        return _no_structure(request)
    form = PdfUploadForm(request.POST or None, request.FILES or None, structures=structures)
    if request.method == "POST" and form.is_valid():
        try:
            draft = invoice_draft_from_pdf(
                user=request.user,
                supplier=form.cleaned_data["supplier"],
                upload=upload_of(form.cleaned_data["file"]),
            )
        except SaisieError as exc:
            form.add_error("file", exc.message)
        else:
            messages.info(
                request,
                _(
                    "PDF reçu. Vérifiez et complétez les données pré-remplies, puis déposez la facture."
                ),
            )
            return redirect("invoices:draft_edit", draft_id=draft.pk)
    context = {"title": _("Déposer une facture PDF"), "menu": menu(request, "pdf"), "form": form}
    return render(request, "invoices/upload_pdf.html", context)
