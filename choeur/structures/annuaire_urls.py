from django.urls import URLPattern, URLResolver, path

from choeur.structures.views import annuaire as views

# The public pages of the directory of public structures keep their historical URL names
# (directory:search, directory:structure, ...) used by the other domains' templates.
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
