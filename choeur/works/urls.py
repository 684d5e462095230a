from django.urls import path

from choeur.works import views

app_name = "works"
urlpatterns = [
    path("", views.works_list, name="list"),
    path("marches/", views.contract_list, name="contracts"),
    path("marches/nouveau/", views.contract_new, name="contract_new"),
    path(
        "marches/<int:contract_id>/membres/nouveau/",
        views.contract_member_new,
        name="contract_member_new",
    ),
    path("<int:invoice_id>/", views.works_detail, name="detail"),
    path("<int:invoice_id>/agir/<slug:action>/", views.works_action, name="action"),
    path("<int:invoice_id>/etablir/<slug:role>/", views.works_document, name="document"),
    path(
        "<int:invoice_id>/documents/<int:document_id>/",
        views.document_download,
        name="document_download",
    ),
    path(
        "<int:invoice_id>/pieces/<int:attachment_id>/",
        views.attachment_download,
        name="attachment_download",
    ),
]
