"""Demo invoices of the demo supplier: a few integrated invoices in several statuses, a rejected
flux with its compte rendu, and a draft (idempotent)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.utils import timezone

import choeur.einvoice as einvoice
from choeur.invoices.enums import InvoiceStatus, ModeDepot
from choeur.invoices.models import Invoice
from choeur.invoices.services.deposit import DepositRefused, Upload, flux_deposit
from choeur.invoices.services.drafts import Saisie, SaisieLine, build_pivot, invoice_draft_save
from choeur.invoices.services.integration import flux_integrate
from choeur.invoices.services.status import invoice_set_status
from choeur.structures.models import Structure

DEMO_PREFIX = "DEMO-"


def load(*, stdout: Any) -> None:
    from choeur.accounts.demo import SUPPLIER_EMAIL
    from choeur.accounts.models import User
    from choeur.directory.demo import (
        DEMO_PUBLIC_FREE_SIRET,
        DEMO_PUBLIC_SERVICE_CODE,
        DEMO_PUBLIC_SIRET,
        DEMO_SUPPLIER_SIRET,
    )

    user = User.objects.filter(email__iexact=SUPPLIER_EMAIL).first()
    supplier = Structure.objects.filter(identifier=DEMO_SUPPLIER_SIRET).first()
    free = Structure.objects.filter(identifier=DEMO_PUBLIC_FREE_SIRET).first()
    with_service = Structure.objects.filter(identifier=DEMO_PUBLIC_SIRET).first()
    if user is None or supplier is None or free is None or with_service is None:
        stdout.write("invoices: demo supplier or public structures missing, nothing loaded\n")
        return
    if Invoice.objects.filter(supplier=supplier, number__startswith=DEMO_PREFIX).exists():
        return
    today = timezone.localdate()
    plan = [
        (with_service, DEMO_PUBLIC_SERVICE_CODE, InvoiceStatus.MISE_A_DISPOSITION, ""),
        (free, "", InvoiceStatus.SUSPENDUE, "Merci de joindre le procès-verbal de réception."),
        (free, "", InvoiceStatus.A_RECYCLER, "Le service destinataire est erroné."),
        (free, "", InvoiceStatus.REJETEE, "Le montant ne correspond pas au bon de commande."),
        (with_service, DEMO_PUBLIC_SERVICE_CODE, InvoiceStatus.MISE_A_DISPOSITION, ""),
    ]
    made = 0
    for index, (recipient, service, status, reason) in enumerate(plan, start=1):
        issue = today - dt.timedelta(days=40 * (len(plan) - index))
        saisie = Saisie(
            recipient=recipient,
            number=f"{DEMO_PREFIX}{issue.year}-{index:03d}",
            issue_date=issue,
            due_date=issue + dt.timedelta(days=30),
            service_code=service,
            nature="M",  # menuiseries laid and supplied: goods and services (BR-FR-08)
            lines=[
                SaisieLine(
                    "Pose de menuiseries", Decimal(index), "HUR", Decimal("55.00"), Decimal("20")
                ),
                SaisieLine("Fournitures", Decimal("1"), "C62", Decimal("120.40"), Decimal("20")),
            ],
        )
        xml = einvoice.write_cii(build_pivot(supplier=supplier, saisie=saisie))
        try:
            flux = flux_deposit(
                user=user,
                supplier=supplier,
                upload=Upload(f"{saisie.number}.xml", xml, "application/xml"),
                mode_depot=ModeDepot.UPLOAD_PORTAIL,
            )
        except DepositRefused as exc:
            stdout.write(f"invoices: {exc.message}\n")
            return
        flux_integrate(flux_id=flux.pk)
        invoice = Invoice.objects.filter(flux=flux).first()
        if invoice is not None and status != InvoiceStatus.MISE_A_DISPOSITION:
            invoice_set_status(invoice=invoice, to=status, actor=None, reason=reason)
        made += invoice is not None
    # A flux rejected for a missing code service, to show the compte rendu.
    bad = Saisie(
        recipient=with_service,
        number=f"{DEMO_PREFIX}{today.year}-900",
        issue_date=today,
        due_date=today + dt.timedelta(days=30),
        lines=[SaisieLine("Étude", Decimal("2"), "DAY", Decimal("450.00"), Decimal("20"))],
    )
    xml = einvoice.write_cii(build_pivot(supplier=supplier, saisie=bad))
    flux = flux_deposit(user=user, supplier=supplier, upload=Upload("sans-code-service.xml", xml))
    flux_integrate(flux_id=flux.pk)
    invoice_draft_save(
        user=user,
        supplier=supplier,
        data={
            "recipient": DEMO_PUBLIC_FREE_SIRET,
            "number": f"{DEMO_PREFIX}{today.year}-BROUILLON",
            "issue_date": today.isoformat(),
            "lines": [
                {
                    "designation": "Menuiserie",
                    "quantity": "2",
                    "unit": "C62",
                    "unit_price": "300",
                    "vat_rate": "20.00",
                }
            ],
        },
    )
    stdout.write(f"invoices: {made} demo invoices, 1 rejected flux, 1 draft\n")
