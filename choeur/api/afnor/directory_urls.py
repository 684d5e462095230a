"""XP Z12-013 Directory Service 1.3.0, mounted at /afnor/directory-service/ (the document's server
URL is « {base-path}/directory-service »; its paths follow, as written: /v1/siren/code-insee:...).
"""

from django.urls import URLPattern, URLResolver, path, re_path

from choeur.api.afnor import directory as views

app_name = "afnor_directory"
urlpatterns: list[URLPattern | URLResolver] = [
    path("v1/siren/search", views.search_siren, name="siren_search"),
    path("v1/siren/code-insee:<str:siren>", views.get_siren, name="siren"),
    path("v1/siret/search", views.search_siret, name="siret_search"),
    path("v1/siret/code-insee:<str:siret>", views.get_siret, name="siret"),
    path("v1/routing-code/search", views.search_routing_code, name="routing_code_search"),
    path(
        "v1/routing-code/siret:<str:siret>/code:<path:routing_identifier>",
        views.get_routing_code,
        name="routing_code",
    ),
    path("v1/directory-line/search", views.search_directory_line, name="directory_line_search"),
    path(
        "v1/directory-line/code:<path:addressing_identifier>",
        views.get_directory_line,
        name="directory_line",
    ),
    path("v1/healthcheck", views.healthcheck, name="healthcheck"),
    re_path(r"^(?P<rest>.*)$", views.not_found),
]
