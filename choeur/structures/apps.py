from django.apps import AppConfig


class StructuresConfig(AppConfig):
    name = "choeur.structures"
    label = "structures"
