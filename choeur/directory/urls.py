from django.urls import URLPattern, URLResolver, path

from choeur.directory import views

app_name = "directory"
urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.search, name="search"),
    path("structure/<str:identifier>/", views.structure_detail, name="structure"),
    path(
        "telecharger/annuaire-structures-publiques.csv",
        views.download_structures,
        name="download_structures",
    ),
    path("telecharger/annuaire-services.csv", views.download_services, name="download_services"),
]
