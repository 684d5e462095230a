"""The one Celery app. Without CELERY_BROKER_URL, tasks run eagerly (see choeur.core.tasks)."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("choeur")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
