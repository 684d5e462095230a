"""The validator circuit's pages: « Factures à valider » and the supplier's view of the circuit."""

from django.urls import path

from choeur.invoices.views import validation

app_name = "validation"
urlpatterns = [
    path("factures-a-valider/", validation.validator_list, name="list"),
    path("factures-a-valider/<int:invoice_id>/", validation.validator_detail, name="detail"),
    path(
        "factures/<int:invoice_id>/circuit-de-validation/",
        validation.supplier_circuit,
        name="supplier",
    ),
]
