"""Flux.queued_at: when the integration task was last handed to the broker (the sweeper re-queues
only a flux never queued or whose message is lost, docs/operator-guide.md). A flux already waiting
when this runs counts as queued at its last change of state, so an upgrade sends no duplicate."""

from django.db import migrations, models
from django.db.models import F

FINAL = ("IN_INTEGRE", "IN_INTEGRE_PARTIEL", "IN_REJETE", "IN_INCIDENTE")


def waiting_flux_queued(apps, schema_editor):
    Flux = apps.get_model("invoices", "Flux")
    Flux.objects.exclude(status__in=FINAL).update(queued_at=F("status_changed_at"))


class Migration(migrations.Migration):
    dependencies = [
        ("invoices", "0007_cadre_a3_a10_a11_a13_a21"),
    ]

    operations = [
        migrations.AddField(
            model_name="flux",
            name="queued_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="date de mise en file"),
        ),
        migrations.RunPython(waiting_flux_queued, migrations.RunPython.noop),
    ]
