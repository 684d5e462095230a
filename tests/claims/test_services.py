"""Depositing mémoires de frais de justice (A3) and demandes de remboursement TIC (A21): one flux,
its stored original, one invoice of the cadre, mise à disposition of the flagged recipient; every
refusal says why and writes nothing."""

from __future__ import annotations

from decimal import Decimal

import pytest

from choeur.claims.enums import ClaimKind, TicProduct, type_demande_paiement
from choeur.claims.models import Claim, TicQuantity
from choeur.claims.rates import RATES, rate_for
from choeur.claims.services import ClaimRefused, memoire_deposit, tic_deposit, tic_refund
from choeur.core.models import AuditLog
from choeur.invoices.enums import FluxStatus, InvoiceStatus, ModeDepot
from choeur.invoices.models import Flux, Invoice
from choeur.invoices.services.deposit import Upload
from choeur.lifecycle.services import invoice_apply_action
from choeur.lifecycle.transitions import Actor
from tests.claims.conftest import TODAY, ClaimsWorld, integrated


def _fields(refused: pytest.ExceptionInfo[ClaimRefused]) -> set[str | None]:
    return {p.field for p in refused.value.problems}


def test_memoire_becomes_an_a3_invoice_made_available_to_the_juridiction(
    world: ClaimsWorld,
) -> None:
    claim = world.memoire()
    flux = Flux.objects.get(pk=claim.flux_id)
    assert flux.status == FluxStatus.IN_INTEGRE
    assert flux.mode_depot == ModeDepot.SAISIE_WEB
    assert flux.original.read().startswith(b"%PDF")  # the Factur-X written from the mémoire
    invoice = Invoice.objects.get(flux=flux)
    assert invoice.cadre == "A3_MEMOIRE_JUSTICE"
    assert invoice.recipient == world.juridiction
    assert invoice.status == InvoiceStatus.MISE_A_DISPOSITION
    # 12 h x 95 + 84,40 = 1 224,40 HT, 20 % of TVA
    assert invoice.total_ht == Decimal("1224.40")
    assert invoice.total_tva == Decimal("244.88")
    assert invoice.amount_due == Decimal("1469.28")
    assert invoice.lines.count() == 2
    assert [a.name for a in invoice.attachments.all()] == ["requisition.pdf"]
    assert "Procédure n° 26123000045" in invoice.comment
    assert AuditLog.objects.filter(action="claim.deposit", object_id=str(claim.pk)).exists()


def test_memoire_exempt_of_vat_is_paid_its_amount_ht(world: ClaimsWorld) -> None:
    claim = world.memoire(tva_regime="EXONERATION")
    invoice = Invoice.objects.get(flux=claim.flux)
    assert invoice.total_tva == Decimal("0.00")
    assert invoice.amount_due == Decimal("1224.40")


def test_memoire_to_a_structure_not_receiving_memoires_is_refused_and_nothing_written(
    world: ClaimsWorld,
) -> None:
    with pytest.raises(ClaimRefused) as refused:
        world.memoire(recipient=world.tic_service)
    assert "recipient" in _fields(refused)
    assert "ne reçoit pas de mémoires de frais de justice" in refused.value.message
    assert not Flux.objects.exists()
    assert not Claim.objects.exists()


def test_memoire_needs_a_procedure_or_a_requisition_and_a_requisition_before_it(
    world: ClaimsWorld,
) -> None:
    with pytest.raises(ClaimRefused) as refused:
        world.memoire(
            procedure_number="", requisition_reference="", requisition_date=TODAY.replace(day=20)
        )
    assert {"procedure_number", "requisition_date"} <= _fields(refused)
    assert not Flux.objects.exists()


def test_memoire_number_used_twice_in_a_year_is_refused(world: ClaimsWorld) -> None:
    world.memoire()
    with pytest.raises(ClaimRefused) as refused:
        world.memoire()
    assert "number" in _fields(refused)
    assert "existe déjà" in refused.value.message
    assert Invoice.objects.count() == 1


def test_juridiction_requiring_a_service_code_gets_it_checked(world: ClaimsWorld) -> None:
    world.juridiction.code_service_required = True
    world.juridiction.save()
    with pytest.raises(ClaimRefused) as refused:
        world.memoire()
    assert "service_code" in _fields(refused)


def test_memoire_by_a_user_without_the_espace_is_refused(world: ClaimsWorld) -> None:
    with pytest.raises(ClaimRefused) as refused:
        memoire_deposit(user=world.outsider, supplier=world.expert, data=world.memoire_input())
    assert "Mémoires de frais de justice" in refused.value.message
    assert not Flux.objects.exists()


def test_memoire_attachment_with_a_forbidden_extension_is_refused(world: ClaimsWorld) -> None:
    with pytest.raises(ClaimRefused) as refused:
        memoire_deposit(
            user=world.expert_user,
            supplier=world.expert,
            data=world.memoire_input(),
            attachments=[Upload("virus.exe", b"MZ", "application/octet-stream")],
        )
    assert "attachments" in _fields(refused)


def test_retried_memoire_with_its_key_makes_one_request(world: ClaimsWorld) -> None:
    first = integrated(
        memoire_deposit(
            user=world.expert_user,
            supplier=world.expert,
            data=world.memoire_input(),
            idempotency_key="k1",
        )
    )
    again = memoire_deposit(
        user=world.expert_user,
        supplier=world.expert,
        data=world.memoire_input(),
        idempotency_key="k1",
    )
    assert again.pk == first.pk
    assert Invoice.objects.count() == 1


def test_tic_refund_is_quantity_times_the_campaign_rate(world: ClaimsWorld) -> None:
    lines = tic_refund(
        2025,
        {TicProduct.GAZOLE_NON_ROUTIER: Decimal("12000"), TicProduct.GAZ_NATUREL: Decimal("35.5")},
    )
    by_product = {line.product: line.amount for line in lines}
    # 12 000 litres = 120 hl x 14,96 € ; 35,5 MWh x 8,36 €
    assert by_product == {
        TicProduct.GAZOLE_NON_ROUTIER: Decimal("1795.20"),
        TicProduct.GAZ_NATUREL: Decimal("296.78"),
    }
    assert rate_for(2025, TicProduct.FIOUL_LOURD) == RATES[2025][TicProduct.FIOUL_LOURD]
    fioul = tic_refund(2025, {TicProduct.FIOUL_LOURD: Decimal("2500")})  # 25 x 100 kg x 1,665 €
    assert fioul[0].amount == Decimal("41.63")


def test_tic_request_becomes_an_a21_invoice_outside_vat(world: ClaimsWorld) -> None:
    claim = world.tic()
    assert claim.number == "TIC-2025-01"
    invoice = Invoice.objects.get(flux=claim.flux)
    assert invoice.cadre == "A21_DEMANDE_REMBOURSEMENT_TIC"
    assert invoice.recipient == world.tic_service
    assert invoice.status == InvoiceStatus.MISE_A_DISPOSITION
    assert invoice.total_tva == Decimal("0.00")
    assert invoice.amount_due == Decimal("2091.98")
    quantities = {q.product: q.amount for q in TicQuantity.objects.filter(claim=claim)}
    assert quantities == {
        TicProduct.GAZOLE_NON_ROUTIER: Decimal("1795.20"),
        TicProduct.GAZ_NATUREL: Decimal("296.78"),
    }
    assert invoice.attachments.count() == 1


def test_tic_request_for_an_open_campaign_or_unknown_rates_is_refused(world: ClaimsWorld) -> None:
    with pytest.raises(ClaimRefused) as refused:
        world.tic(campaign_year=2026)
    assert "n'est pas close" in refused.value.message
    with pytest.raises(ClaimRefused) as refused:
        world.tic(campaign_year=2019)
    assert "Aucun taux" in refused.value.message
    assert not Flux.objects.exists()


def test_tic_request_without_quantities_or_proof_is_refused(world: ClaimsWorld) -> None:
    with pytest.raises(ClaimRefused) as refused:
        world.tic(quantities={})
    assert "quantities" in _fields(refused)
    with pytest.raises(ClaimRefused) as refused:
        tic_deposit(
            user=world.farmer_user, supplier=world.farmer, data=world.tic_input(), today=TODAY
        )
    assert "attachments" in _fields(refused)
    assert not Flux.objects.exists()


def test_second_tic_request_for_a_campaign_only_after_a_rejection(world: ClaimsWorld) -> None:
    first = world.tic()
    with pytest.raises(ClaimRefused) as refused:
        world.tic()
    assert "TIC-2025-01" in refused.value.message
    invoice = Invoice.objects.get(flux=first.flux)
    invoice_apply_action(
        invoice=invoice,
        to_status="REJETEE",
        actor_user=world.tic_agent,
        actor_kind=Actor.RECIPIENT,
        reason_code="AUTRE",
        reason="Quantités à justifier",
    )
    second = world.tic()
    assert second.number == "TIC-2025-02"


def test_tic_request_to_a_juridiction_is_refused(world: ClaimsWorld) -> None:
    with pytest.raises(ClaimRefused) as refused:
        world.tic(recipient=world.juridiction)
    assert "ne reçoit pas de demandes de remboursement TIC" in refused.value.message


def test_type_demande_paiement_of_each_cadre() -> None:
    assert type_demande_paiement("A3_MEMOIRE_JUSTICE", works=False) == ClaimKind.MEMOIRE_JUSTICE
    assert (
        type_demande_paiement("A21_DEMANDE_REMBOURSEMENT_TIC", works=False)
        == ClaimKind.DEMANDE_REMBOURSEMENT
    )
    assert type_demande_paiement("A1_FACTURE_FOURNISSEUR", works=False) == "FACTURE"
    assert type_demande_paiement("A4_PROJET_DECOMPTE_MENSUEL_FOURNISSEUR", works=True) == (
        "FACTURE_TRAVAUX"
    )
