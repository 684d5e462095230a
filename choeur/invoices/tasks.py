"""Tasks are an interface: each calls one service."""

from __future__ import annotations

import logging

from celery import shared_task

from choeur.invoices.services.integration import flux_integrate, flux_sweep

logger = logging.getLogger(__name__)


@shared_task(name="invoices.flux_integrate")
def flux_integrate_task(flux_id: int) -> str | None:
    try:
        flux = flux_integrate(flux_id=flux_id)
    except Exception:
        # The flux is stored and stays in a non-final state: the sweeper queues it again. Without
        # a broker this runs inside the deposit request, whose answer must not become a 500.
        logger.exception("integration of flux %s failed; the sweeper will retry it", flux_id)
        return None
    return flux.status if flux is not None else None


@shared_task(name="invoices.flux_sweep")
def flux_sweep_task() -> int:
    """Beat: re-queue flux stuck in a non-final state (a lost task, a killed worker)."""
    return len(flux_sweep())


@shared_task(name="invoices.validation_tacit")
def validation_tacit_task() -> int:
    """Beat: A9/A12 invoices left 15 days without their validator's answer are validated
    tacitly and move on (validation_circuit.tacit_validations_run)."""
    from choeur.invoices.services.validation_circuit import tacit_validations_run

    return tacit_validations_run()
