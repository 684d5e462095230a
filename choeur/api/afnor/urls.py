"""/afnor/flow-service/v1/...: the server URL of the document with base-path « /afnor » and
service-name « flow-service » (docs/api.md)."""

from django.urls import URLPattern, path, re_path

from choeur.api.afnor import views

app_name = "afnor_flow"

urlpatterns: list[URLPattern] = [
    path("v1/flows", views.flows, name="flows"),
    path("v1/flows/search", views.flows_search, name="flows_search"),
    path("v1/flows/<str:flow_id>", views.flow_detail, name="flow"),
    path("v1/webhooks", views.webhooks, name="webhooks"),
    path("v1/webhooks/<str:webhook_id>", views.webhook_detail, name="webhook"),
    path("v1/healthcheck", views.healthcheck, name="healthcheck"),
    re_path(r"^(?P<rest>.*)$", views.unknown),
]
