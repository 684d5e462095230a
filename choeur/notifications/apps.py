from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "choeur.notifications"
    label = "notifications"
