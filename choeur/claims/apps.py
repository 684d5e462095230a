from django.apps import AppConfig


class ClaimsConfig(AppConfig):
    name = "choeur.claims"
    label = "claims"
    verbose_name = "Mémoires de frais de justice et demandes de remboursement TIC"
