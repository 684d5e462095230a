from django.apps import AppConfig


class AfnorConfig(AppConfig):
    """The reform's standard API (AFNOR XP Z12-013): the Flow Service (docs/api.md)."""

    name = "choeur.api.afnor"
    label = "afnor"
    verbose_name = "API de la réforme (AFNOR XP Z12-013)"
