from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "choeur.api"
    label = "api"

    def ready(self) -> None:
        from choeur.api import schema  # noqa: F401 - registers the OpenAPI extension
