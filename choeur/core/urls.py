from django.urls import path

from choeur.core import views

app_name = "core"
urlpatterns = [
    path("", views.home, name="home"),
    path("mon-espace/", views.dashboard, name="dashboard"),
    path("favicon.ico", views.favicon, name="favicon"),
    path("healthz", views.healthz, name="healthz"),
    path("pages/<slug:slug>/", views.legal_page, name="legal"),
]
