"""The works demo: a contract with its four parties and printed logins, two works invoices,
loaded once however many times it runs."""

from __future__ import annotations

import io

import pytest
from django.test import Client

from choeur.accounts.models import User
from choeur.invoices.enums import InvoiceStatus
from choeur.works import demo
from choeur.works.models import WorksContract, WorksDocument, WorksInvoice

pytestmark = pytest.mark.django_db


def test_demo_contract_parties_invoices_and_logins() -> None:
    out = io.StringIO()
    demo.load(stdout=out)
    contract = WorksContract.objects.get()
    assert contract.supplier.identifier == demo.SUPPLIER_SIRET
    assert contract.moe is not None and contract.moe.identifier == demo.MOE_SIRET
    assert contract.moa.is_moa_only and contract.engagement.structure.identifier == demo.PAYER_SIRET
    statuses = sorted(WorksInvoice.objects.values_list("invoice__status", flat=True))
    assert statuses == sorted(
        [
            InvoiceStatus.MISE_A_DISPOSITION_MOE,
            InvoiceStatus.TRANSMISE_MOA,
            InvoiceStatus.A_VALIDER_1,
        ]
    )
    assert WorksDocument.objects.get().cadre == "A17_PROJET_DECOMPTE_GENERAL_MOE"
    # the subcontractor's A10 waits for the titulaire, named by the fiche
    sub_projet = WorksInvoice.objects.get(cadre="A10_PROJET_DECOMPTE_MENSUEL_SOUSTRAITANT")
    assert sub_projet.invoice.validation.validator_1 == contract.supplier
    assert contract.members.get().structure.identifier == demo.SUB_SIRET
    demo.load(stdout=out)
    assert WorksInvoice.objects.count() == 3 and WorksContract.objects.count() == 1
    assert "déjà déposées" in out.getvalue() and "déjà déposé" in out.getvalue()
    # the titulaire finds it in « Factures à valider »
    titulaire = Client()
    titulaire.force_login(User.objects.get(email="titulaire-travaux@choeur.localhost"))
    listing = titulaire.get("/factures-a-valider/").content.decode()
    assert sub_projet.invoice.number in listing
    # each printed login signs in and reaches its « Factures de travaux »
    assert len(demo.LOGINS) == 5
    for _role, email, password in demo.LOGINS:
        user = User.objects.get(email=email)
        assert user.check_password(password) and user.is_active, email
        client = Client()
        client.force_login(user)
        page = client.get("/travaux/" if "payeur" not in email else "/factures-recues/")
        assert page.status_code == 200, email
