from django.urls import path

from choeur.notifications import views

app_name = "notifications"
urlpatterns = [
    path("", views.notification_list, name="list"),
    path("tout-lu/", views.notification_read_all, name="read_all"),
    path("<int:notification_id>/lue/", views.notification_read, name="read"),
    path("preferences/", views.preferences, name="preferences"),
]
