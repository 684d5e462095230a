from __future__ import annotations

from celery import shared_task

from choeur.notifications.services import (
    digest_send_all,
    invoices_received_digest_send,
    outbox_flush,
    outbox_send_one,
)


@shared_task(name="notifications.outbox_send")
def outbox_send(email_id: int) -> bool:
    return outbox_send_one(email_id=email_id)


@shared_task(name="notifications.outbox_flush")
def outbox_flush_task() -> int:
    return outbox_flush()


@shared_task(name="notifications.digest_send")
def digest_send_task() -> int:
    return digest_send_all()


@shared_task(name="notifications.invoices_received_digest")
def invoices_received_digest_task() -> int:
    return invoices_received_digest_send()


@shared_task(name="notifications.webhook_deliver")
def webhook_deliver_task(delivery_id: int) -> bool:
    from choeur.notifications.webhooks import webhook_delivery_attempt

    return webhook_delivery_attempt(delivery_id=delivery_id)


@shared_task(name="notifications.webhook_sweep")
def webhook_sweep_task() -> int:
    from choeur.notifications.webhooks import webhook_sweep

    return webhook_sweep()
