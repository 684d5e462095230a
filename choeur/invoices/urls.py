from django.urls import path

from choeur.invoices.views import flux, saisie, sent

app_name = "invoices"
urlpatterns = [
    path("", sent.invoice_list, name="list"),
    path("export.csv", sent.invoice_export, name="export"),
    path("synthese/", sent.synthese, name="synthese"),
    path("<int:invoice_id>/", sent.invoice_detail, name="detail"),
    path("<int:invoice_id>/facture.pdf", sent.invoice_pdf, name="pdf"),
    path("<int:invoice_id>/facture.xml", sent.invoice_xml, name="xml"),
    path("<int:invoice_id>/certificat-de-depot.pdf", sent.invoice_certificate, name="certificate"),
    path(
        "<int:invoice_id>/pieces-jointes/<int:attachment_id>/",
        sent.invoice_attachment,
        name="attachment",
    ),
    path("<int:invoice_id>/completer/", sent.invoice_complete_view, name="complete"),
    path("<int:invoice_id>/recycler/", sent.invoice_recycle_view, name="recycle"),
    path("<int:invoice_id>/traiter-le-rejet/", sent.invoice_acknowledge_view, name="acknowledge"),
    path("saisir/", saisie.saisie, name="saisie"),
    path("brouillons/", saisie.draft_list, name="drafts"),
    path("brouillons/<int:draft_id>/", saisie.draft_edit, name="draft_edit"),
    path("brouillons/<int:draft_id>/supprimer/", saisie.draft_delete, name="draft_delete"),
    path("deposer-pdf/", saisie.upload_pdf, name="upload_pdf"),
    path("deposer-flux/", flux.flux_upload, name="upload"),
    path("flux/", flux.flux_list, name="flux_list"),
    path("flux/<int:flux_id>/", flux.flux_detail, name="flux_detail"),
    path("flux/<int:flux_id>/compte-rendu.pdf", flux.flux_report_pdf, name="flux_report_pdf"),
]
