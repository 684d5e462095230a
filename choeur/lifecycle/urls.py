from django.urls import path

from choeur.lifecycle import cdar_views, views

app_name = "lifecycle"
urlpatterns = [
    path("", views.invoice_list, name="list"),
    path("synthese/", views.synthese, name="synthese"),
    path("actions-groupees/", views.bulk_action, name="bulk_action"),
    path("<int:invoice_id>/", views.invoice_detail, name="detail"),
    path("<int:invoice_id>/document.pdf", views.invoice_pdf_view, name="pdf"),
    path("<int:invoice_id>/telecharger/<slug:kind>/", views.invoice_download, name="download"),
    path(
        "<int:invoice_id>/pieces-jointes/<int:attachment_id>/",
        views.attachment_download,
        name="attachment",
    ),
    path("<int:invoice_id>/traiter/<slug:action>/", views.invoice_action, name="action"),
    path(
        "<int:invoice_id>/historique/<int:change_id>/cdar.xml",
        cdar_views.history_cdar,
        name="history_cdar",
    ),
]
