from django.apps import AppConfig


class LifecycleConfig(AppConfig):
    name = "choeur.lifecycle"
    label = "lifecycle"
