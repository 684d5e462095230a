"""Tasks are an interface: each calls one service."""

from __future__ import annotations

from celery import shared_task

from choeur.invoices.services.integration import flux_integrate, flux_sweep


@shared_task(name="invoices.flux_integrate")
def flux_integrate_task(flux_id: int) -> str | None:
    flux = flux_integrate(flux_id=flux_id)
    return flux.status if flux is not None else None


@shared_task(name="invoices.flux_sweep")
def flux_sweep_task() -> int:
    """Beat: re-queue flux stuck in a non-final state (a lost task, a killed worker)."""
    return len(flux_sweep())
