"""« Factures de travaux »: the works invoices of each role (supplier, MOE, MOA), their page, the
actions of each party, the documents of the MOE and the MOA, and the fiches identité du marché.

Views parse, authorise through selectors (others' invoices are 404) and call one service.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from choeur.core.paging import CappedPaginator
from choeur.invoices.models import Attachment, InvoiceStatusChange, ValidationDecision
from choeur.lifecycle.transitions import LABELS, Actor, Status, targets_for
from choeur.structures.enums import AccessMode, IdentifierType
from choeur.structures.models import EngagementJuridique, Structure
from choeur.works import perms, selectors
from choeur.works.enums import WorksRole, cadre_label
from choeur.works.forms import ContractForm, DocumentForm, MemberForm, ReasonForm
from choeur.works.models import WorksDocument, WorksInvoice
from choeur.works.services import (
    DocumentInput,
    WorksRefused,
    allowed_document_cadres,
    contract_create,
    contract_member_add,
    deadline_of,
    works_act,
    works_document_issue,
)

PAGE_SIZE = 25

# URL slug of each action -> role, target status, button label, reason required.
ACTIONS: dict[str, tuple[str, Status, str, bool]] = {
    "prendre-en-compte-moe": (
        WorksRole.MOE,
        Status.PRISE_EN_COMPTE_MOE,
        "Prendre en compte",
        False,
    ),
    "a-completer": (WorksRole.MOE, Status.A_COMPLETER, "Demander un complément", True),
    "refuser-moe": (WorksRole.MOE, Status.REFUSEE_MOE, "Refuser", True),
    "completer": (WorksRole.FOURNISSEUR, Status.A_VALIDER_MOE, "Compléter", False),
    "prendre-en-compte-moa": (
        WorksRole.MOA,
        Status.PRISE_EN_COMPTE_MOA,
        "Prendre en compte",
        False,
    ),
    "refuser-moa": (WorksRole.MOA, Status.REFUSEE_MOA, "Refuser", True),
}
ROLE_ACTOR = {
    WorksRole.FOURNISSEUR: Actor.SUPPLIER,
    WorksRole.MOE: Actor.MOE,
    WorksRole.MOA: Actor.MOA,
}
ROLE_TITLES = {
    WorksRole.FOURNISSEUR: "Mes factures de travaux (titulaire)",
    WorksRole.MOE: "À traiter en maîtrise d'œuvre",
    WorksRole.MOA: "À traiter en maîtrise d'ouvrage",
}
BADGES = {
    Status.MISE_A_DISPOSITION_MOE: "fr-badge--new",
    Status.A_VALIDER_MOE: "fr-badge--new",
    Status.TRANSMISE_MOA: "fr-badge--new",
    Status.MISE_A_DISPOSITION_MOA: "fr-badge--new",
    Status.A_COMPLETER: "fr-badge--warning",
    Status.REFUSEE_MOE: "fr-badge--error",
    Status.REFUSEE_MOA: "fr-badge--error",
    Status.MISE_EN_PAIEMENT: "fr-badge--success",
}


def _decision_label(action: str) -> str:
    from choeur.invoices.services.validation_circuit import ValidationAction

    try:
        return str(ValidationAction(action).label)
    except ValueError:
        return action


def _posted(request: HttpRequest) -> Any:
    """The posted data, even empty (an empty POST is a submitted form, not a blank page)."""
    return request.POST if request.method == "POST" else None


def _label(status: str) -> str:
    try:
        return LABELS[Status(status)]
    except ValueError:
        return status


def _badge(status: str) -> str:
    try:
        return BADGES.get(Status(status), "fr-badge--info")
    except ValueError:
        return "fr-badge--info"


@login_required
@require_GET
def works_list(request: HttpRequest) -> HttpResponse:
    roles = selectors.roles_available(request.user)
    if not roles:
        raise Http404("Espace « Factures de travaux » non ouvert.")
    role = request.GET.get("role", "")
    if role not in roles:
        # By default, the first role with something in it.
        role = next((r for r in roles if selectors.works_list(request.user, r).exists()), roles[0])
    status = request.GET.get("statut", "")
    if status and status not in {s.value for s in Status}:
        status = ""
    rows = selectors.works_list(request.user, role, status=status)
    page = CappedPaginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "works/list.html",
        {
            "title": "Factures de travaux",
            "tabs": [
                {
                    "role": r,
                    "label": ROLE_TITLES[WorksRole(r)],
                    "url": "?" + urlencode({"role": r}),
                    "current": r == role,
                }
                for r in roles
            ],
            "role": role,
            "role_label": ROLE_TITLES[WorksRole(role)],
            "status": status,
            "status_choices": [(s.value, LABELS[s]) for s in Status],
            "page": page,
            "rows": [
                {
                    "works": w,
                    "invoice": w.invoice,
                    "cadre": cadre_label(w.cadre),
                    "status_label": _label(w.invoice.status),
                    "badge": _badge(w.invoice.status),
                    "deadline": deadline_of(w),
                }
                for w in page.object_list
            ],
        },
    )


def _actions(user: Any, works: WorksInvoice) -> list[dict[str, str]]:
    found = []
    status = works.invoice.status
    acting = perms.roles_of(user, works, AccessMode.MODIFICATION)
    for slug, (role, target, label, _reason) in ACTIONS.items():
        if role in acting and target in targets_for(status, ROLE_ACTOR[WorksRole(role)]):
            found.append({"slug": slug, "label": label, "role": role, "status": target.value})
    for role in (WorksRole.MOE, WorksRole.MOA):
        stage = Status.PRISE_EN_COMPTE_MOE if role == WorksRole.MOE else Status.PRISE_EN_COMPTE_MOA
        if role in acting and status == stage:
            label = (
                "Établir l'état d'acompte ou le décompte et transmettre à la MOA"
                if role == WorksRole.MOE
                else "Valider et transmettre au service payeur"
            )
            found.append({"slug": f"etablir-{role.lower()}", "label": label, "role": role})
    return found


@login_required
@require_GET
def works_detail(request: HttpRequest, invoice_id: int) -> HttpResponse:
    works = selectors.works_get(user=request.user, invoice_id=invoice_id)
    invoice = works.invoice
    history = [
        {
            "when": row.created_at,
            "from": _label(row.from_status) if row.from_status else "",
            "to": _label(row.to_status),
            "who": row.actor_label,
            "reason": row.reason,
        }
        for row in InvoiceStatusChange.objects.filter(invoice=invoice).order_by("created_at", "pk")
    ]
    return render(
        request,
        "works/detail.html",
        {
            "title": f"Facture de travaux {invoice.number}",
            "works": works,
            "invoice": invoice,
            "contract": works.contract,
            "cadre": cadre_label(works.cadre),
            "type_label": works.get_type_facture_travaux_display(),
            "status_label": _label(invoice.status),
            "badge": _badge(invoice.status),
            "deadline": deadline_of(works),
            "roles": [WorksRole(r).label for r in perms.roles_of(request.user, works)],
            "actions": _actions(request.user, works),
            "documents": [
                {"doc": d, "cadre": cadre_label(d.cadre), "role": d.get_role_display()}
                for d in works.documents.select_related("structure")
            ],
            "history": history,
            "attachments": Attachment.objects.filter(invoice=invoice).order_by("created_at", "pk"),
            "validators": [
                {"decision": d, "action": _decision_label(d.action)}
                for d in ValidationDecision.objects.filter(invoice=invoice).select_related(
                    "validator"
                )
            ],
            "members": works.contract.members.select_related("structure", "under__structure"),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def works_action(request: HttpRequest, invoice_id: int, action: str) -> HttpResponse:
    works = selectors.works_get(user=request.user, invoice_id=invoice_id)
    if action not in ACTIONS:
        raise Http404("Action inconnue.")
    role, target, label, reason_required = ACTIONS[action]
    form = ReasonForm(_posted(request), reason_required=reason_required)
    with_files = target is Status.A_VALIDER_MOE
    if request.method == "POST" and form.is_valid():
        uploads = (
            [(f.name or "", f.read()) for f in request.FILES.getlist("files")] if with_files else []
        )
        try:
            works_act(
                works=works,
                user=request.user,
                role=role,
                to_status=target.value,
                reason=form.cleaned_data["reason"],
                expected_status=request.POST.get("expected_status") or None,
                uploads=uploads,
            )
        except WorksRefused as refused:
            form.add_error(None, refused.message)
        else:
            messages.success(request, f"Facture {works.invoice.number} : « {LABELS[target]} ».")
            return redirect("works:detail", invoice_id)
    return render(
        request,
        "works/action.html",
        {
            "title": f"{label} — facture {works.invoice.number}",
            "label": label,
            "works": works,
            "invoice": works.invoice,
            "status_label": _label(works.invoice.status),
            "form": form,
            "with_files": with_files,
        },
        status=400 if request.method == "POST" else 200,
    )


@login_required
@require_GET
def attachment_download(request: HttpRequest, invoice_id: int, attachment_id: int) -> HttpResponse:
    works = selectors.works_get(user=request.user, invoice_id=invoice_id)
    attachment = Attachment.objects.filter(pk=attachment_id, invoice_id=works.invoice_id).first()
    if attachment is None:
        raise Http404("Pièce jointe introuvable.")
    response = HttpResponse(
        attachment.file.read(), content_type=attachment.file.content_type or "application/pdf"
    )
    safe = attachment.name.replace('"', "").replace("\n", " ")
    response["Content-Disposition"] = f'attachment; filename="{safe}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
@require_http_methods(["GET", "POST"])
def works_document(request: HttpRequest, invoice_id: int, role: str) -> HttpResponse:
    works = selectors.works_get(user=request.user, invoice_id=invoice_id)
    role = role.upper()
    if role not in (WorksRole.MOE, WorksRole.MOA):
        raise Http404("Rôle inconnu.")
    cadres = allowed_document_cadres(works, role)
    form = DocumentForm(_posted(request), request.FILES or None, cadres=cadres)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        upload = None
        if data.get("file"):
            uploaded = data["file"]
            upload = (uploaded.name, uploaded.read())
        try:
            works_document_issue(
                works=works,
                user=request.user,
                role=role,
                document=DocumentInput(
                    cadre=data["cadre"],
                    number=data["number"],
                    amount_ht=data["amount_ht"],
                    amount_ttc=data["amount_ttc"],
                    comment=data["comment"],
                    upload=upload,
                ),
            )
        except WorksRefused as refused:
            form.add_error(None, refused.message)
        else:
            messages.success(
                request,
                f"Document {data['number']} établi ; la facture {works.invoice.number} est "
                "transmise.",
            )
            return redirect("works:detail", invoice_id)
    label = (
        "Établir l'état d'acompte ou le décompte (maîtrise d'œuvre)"
        if role == WorksRole.MOE
        else "Valider : état d'acompte validé ou décompte général (maîtrise d'ouvrage)"
    )
    return render(
        request,
        "works/document.html",
        {
            "title": f"{label} — facture {works.invoice.number}",
            "label": label,
            "works": works,
            "invoice": works.invoice,
            "status_label": _label(works.invoice.status),
            "form": form,
        },
        status=400 if request.method == "POST" else 200,
    )


@login_required
@require_GET
def document_download(request: HttpRequest, invoice_id: int, document_id: int) -> HttpResponse:
    works = selectors.works_get(user=request.user, invoice_id=invoice_id)
    document = WorksDocument.objects.filter(pk=document_id, works_invoice=works).first()
    if document is None or document.file is None:
        raise Http404("Document introuvable.")
    response = HttpResponse(
        document.file.read(), content_type=document.file.content_type or "application/pdf"
    )
    safe = (document.file_name or f"{document.number}.pdf").replace('"', "").replace("\n", " ")
    response["Content-Disposition"] = f'attachment; filename="{safe}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
@require_GET
def contract_list(request: HttpRequest) -> HttpResponse:
    if not perms.works_structures(request.user):
        raise Http404("Espace « Factures de travaux » non ouvert.")
    return render(
        request,
        "works/contracts.html",
        {
            "title": "Fiches identité du marché",
            "contracts": [
                {
                    "contract": c,
                    "members": list(c.members.all()),
                    "can_manage": perms.can_manage_contracts(request.user, c.engagement.structure)
                    or perms.can_manage_contracts(request.user, c.moa),
                }
                for c in selectors.contracts_of(request.user).prefetch_related(
                    "members__structure", "members__under__structure"
                )
            ],
            "can_create": bool(_engagement_choices(request.user)),
        },
    )


def _engagement_choices(user: Any) -> list[tuple[str, str]]:
    ids = [s.pk for s in perms.works_structures(user, AccessMode.MODIFICATION) if s.is_public]
    rows = (
        EngagementJuridique.objects.filter(structure_id__in=ids, works_contract__isnull=True)
        .select_related("structure")
        .order_by("structure__raison_sociale", "number")
    )
    return [(str(e.pk), f"{e.number} — {e.structure.raison_sociale}") for e in rows]


def _structure(siret: str) -> Structure | None:
    return Structure.objects.filter(identifier_type=IdentifierType.SIRET, identifier=siret).first()


@login_required
@require_http_methods(["GET", "POST"])
def contract_new(request: HttpRequest) -> HttpResponse:
    choices = _engagement_choices(request.user)
    if not choices:
        raise Http404("Aucun engagement juridique à décrire.")
    form = ContractForm(_posted(request), engagements=choices)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        engagement = EngagementJuridique.objects.select_related("structure").get(
            pk=int(data["engagement"])
        )
        parties: dict[str, Structure | None] = {}
        for key, what in (("supplier", "titulaire"), ("moe", "MOE"), ("moa", "MOA")):
            siret = data.get(key) or ""
            parties[key] = _structure(siret) if siret else None
            if siret and parties[key] is None:
                form.add_error(key, f"Aucune structure de SIRET {siret} ({what}) n'est inscrite.")
        if form.is_valid():
            supplier, moa = parties["supplier"], parties["moa"]
            assert supplier is not None and moa is not None
            try:
                contract = contract_create(
                    user=request.user,
                    engagement=engagement,
                    label=data["label"],
                    contract_number=data["contract_number"],
                    supplier=supplier,
                    moe=parties["moe"],
                    moa=moa,
                )
            except WorksRefused as refused:
                form.add_error(None, refused.message)
            else:
                messages.success(
                    request, f"Fiche identité du marché « {contract.label} » enregistrée."
                )
                return redirect("works:contracts")
    return render(
        request,
        "works/contract_new.html",
        {"title": "Nouvelle fiche identité du marché", "form": form},
        status=400 if request.method == "POST" else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def contract_member_new(request: HttpRequest, contract_id: int) -> HttpResponse:
    """Add a subcontractor or a co-contractor to a fiche identité du marché."""
    contract = (
        selectors.contracts_of(request.user)
        .filter(pk=contract_id)
        .select_related("engagement__structure", "moa", "supplier")
        .first()
    )
    if contract is None:
        raise Http404("Fiche identité du marché introuvable.")
    form = MemberForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        structure = _structure(data["structure"])
        under = _structure(data["under"]) if data.get("under") else None
        if structure is None:
            form.add_error(
                "structure", f"Aucune structure de SIRET {data['structure']} n'est inscrite."
            )
        if data.get("under") and under is None:
            form.add_error("under", f"Aucune structure de SIRET {data['under']} n'est inscrite.")
        if form.is_valid():
            assert structure is not None
            try:
                contract_member_add(
                    user=request.user,
                    contract=contract,
                    structure=structure,
                    kind=data["kind"],
                    under=under,
                )
            except WorksRefused as refused:
                form.add_error(None, refused.message)
            else:
                messages.success(
                    request,
                    f"{structure.raison_sociale} est ajoutée à la fiche « {contract.label} ».",
                )
                return redirect("works:contracts")
    return render(
        request,
        "works/member_new.html",
        {
            "title": f"Ajouter un sous-traitant ou un cotraitant — {contract.label}",
            "contract": contract,
            "form": form,
        },
        status=400 if request.method == "POST" else 200,
    )
