"""At-least-once delivery and the queues (docs/operator-guide.md, « Workers et files d'attente »):
what the broker is told, read from the Celery app the workers run."""

from __future__ import annotations

from config.celery import app


def test_tasks_are_acknowledged_after_running_and_requeued_when_a_worker_is_lost() -> None:
    conf = app.conf
    assert conf.task_acks_late is True
    assert conf.task_reject_on_worker_lost is True
    assert conf.worker_prefetch_multiplier == 1
    # With Redis, an unacknowledged task comes back after the visibility timeout: it must be
    # longer than any task may run, or a long archive would be integrated twice at once.
    visibility = conf.broker_transport_options["visibility_timeout"]
    assert conf.task_time_limit and visibility > conf.task_time_limit


def _queue_of(name: str) -> str:
    route = app.amqp.router.route({}, name, args=(1,), kwargs={})
    return str(route["queue"].name)


def test_heavy_work_and_messages_never_share_a_queue() -> None:
    """An archive of 1,000 invoices being integrated never delays an email or a webhook: they
    are on queues of their own, which workers of their own consume."""
    base = app.conf.task_default_queue
    heavy = {_queue_of(n) for n in ("invoices.flux_integrate", "invoices.flux_sweep")}
    messages = {
        _queue_of(n)
        for n in (
            "notifications.outbox_send",
            "notifications.outbox_flush",
            "notifications.webhook_deliver",
            "notifications.webhook_sweep",
            "notifications.digest_send",
        )
    }
    chores = {_queue_of(n) for n in ("core.files_collect_orphans", "accounts.registration_purge")}
    assert heavy == {base}
    assert messages == {f"{base}.messages"}
    assert chores == {f"{base}.fond"}


def test_every_beat_task_lands_on_a_queue_the_shipped_workers_consume() -> None:
    from pathlib import Path

    base = app.conf.task_default_queue
    consumed = {base, f"{base}.messages", f"{base}.fond"}
    for entry in app.conf.beat_schedule.values():
        assert _queue_of(entry["task"]) in consumed, entry["task"]
    # The systemd units and the compose file start workers on every one of them.
    deploy = Path(__file__).resolve().parents[2] / "deploy"
    import re

    queues = {
        queue
        for path in [deploy / "compose.yaml", *sorted((deploy / "systemd").glob("*.service"))]
        for line in path.read_text().splitlines()
        if "celery" in line and " worker" in line
        for listed in re.findall(r"-Q[= ]?([\w.,-]+)", line)
        for queue in listed.split(",")
    }
    assert consumed <= queues, queues
