"""Pages of the subcontracting part of the works circuit: the titulaire completes a projet with
documents (stored with their sha256, shown to the MOE; bad files refused in French, nothing
written), and the fiche identité du marché records a subcontractor or a co-contractor."""

from __future__ import annotations

import hashlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from choeur.core.models import StoredFile
from choeur.invoices.models import Attachment
from choeur.works.models import WorksContractMember, WorksInvoice
from choeur.works.services import works_act

pytestmark = pytest.mark.django_db
PDF = b"%PDF-1.4\n% metres du lot 2\n%%EOF\n"


def _client(user) -> Client:  # type: ignore[no-untyped-def]
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def to_complete(works):  # type: ignore[no-untyped-def]
    invoice = works.invoice(cadre="A4")
    w = WorksInvoice.objects.get(invoice=invoice)
    works_act(
        works=w, user=works.moe_user, role="MOE", to_status="A_COMPLETER", reason="Métré manquant"
    )
    return invoice


def test_complete_with_documents_shown_to_the_moe(works, to_complete) -> None:  # type: ignore[no-untyped-def]
    url = f"/travaux/{to_complete.pk}/agir/completer/"
    page = _client(works.supplier_user).get(url).content.decode()
    assert 'name="files"' in page and 'enctype="multipart/form-data"' in page
    response = _client(works.supplier_user).post(
        url,
        {
            "expected_status": "A_COMPLETER",
            "reason": "Métré joint.",
            "files": [
                SimpleUploadedFile("metre-lot2.pdf", PDF, content_type="application/pdf"),
                SimpleUploadedFile("photo.jpg", b"\xff\xd8\xff jpeg", content_type="image/jpeg"),
            ],
        },
    )
    assert response.status_code == 302
    to_complete.refresh_from_db()
    assert to_complete.status == "A_VALIDER_MOE"
    names = sorted(Attachment.objects.filter(invoice=to_complete).values_list("name", flat=True))
    assert names == ["metre-lot2.pdf", "photo.jpg"]
    stored = Attachment.objects.get(invoice=to_complete, name="metre-lot2.pdf").file
    assert stored.sha256 == hashlib.sha256(PDF).hexdigest()
    # the MOE sees and downloads them
    detail = _client(works.moe_user).get(f"/travaux/{to_complete.pk}/").content.decode()
    assert "metre-lot2.pdf" in detail and "complément du titulaire" in detail
    piece = Attachment.objects.get(invoice=to_complete, name="metre-lot2.pdf")
    download = _client(works.moe_user).get(f"/travaux/{to_complete.pk}/pieces/{piece.pk}/")
    assert download.status_code == 200 and download.content == PDF
    # an outsider gets 404 on the file
    outsider = _client(works.outsider).get(f"/travaux/{to_complete.pk}/pieces/{piece.pk}/")
    assert outsider.status_code == 404


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("programme.exe", b"MZ", "L&#x27;extension du fichier n&#x27;est pas acceptée"),
        ("vide.pdf", b"", "Le fichier est vide."),
        ("x" * 60 + ".pdf", PDF, "Le nom du fichier dépasse 50 caractères"),
    ],
    ids=["extension", "empty", "long-name"],
)
def test_bad_files_refused_and_nothing_written(works, to_complete, name, data, message) -> None:  # type: ignore[no-untyped-def]
    files_before = StoredFile.objects.count()
    response = _client(works.supplier_user).post(
        f"/travaux/{to_complete.pk}/agir/completer/",
        {"expected_status": "A_COMPLETER", "files": [SimpleUploadedFile(name, data)]},
    )
    assert response.status_code == 400
    assert message in response.content.decode()
    to_complete.refresh_from_db()
    assert to_complete.status == "A_COMPLETER"
    assert not Attachment.objects.filter(invoice=to_complete).exists()
    assert StoredFile.objects.count() == files_before


def test_payer_adds_a_subcontractor_to_the_fiche(works) -> None:  # type: ignore[no-untyped-def]
    from tests.lifecycle import factories as f
    from tests.works.conftest import SUB_SIRET

    sub = f.structure(SUB_SIRET, "ÉLECTRICITÉ PETIT")
    page = _client(works.payer_user).get("/travaux/marches/").content.decode()
    assert f"/travaux/marches/{works.contract.pk}/membres/nouveau/" in page
    url = f"/travaux/marches/{works.contract.pk}/membres/nouveau/"
    bad = _client(works.payer_user).post(
        url, {"structure": "12345678901234", "kind": "SOUSTRAITANT"}
    )
    assert bad.status_code == 400
    assert "Aucune structure de SIRET 12345678901234" in bad.content.decode()
    ok = _client(works.payer_user).post(url, {"structure": SUB_SIRET, "kind": "SOUSTRAITANT"})
    assert ok.status_code == 302
    member = WorksContractMember.objects.get(contract=works.contract)
    assert member.structure == sub and member.kind == "SOUSTRAITANT"
    listing = _client(works.payer_user).get("/travaux/marches/").content.decode()
    assert "ÉLECTRICITÉ PETIT" in listing
    # the MOE may read the fiche but not change it; an outsider does not find it
    assert (
        _client(works.moe_user)
        .post(url, {"structure": SUB_SIRET, "kind": "COTRAITANT"})
        .status_code
        == 400
    )
    assert _client(works.outsider).get(url).status_code == 404


def test_admin_shows_the_fiche_members_read_only(works, subcontracting) -> None:  # type: ignore[no-untyped-def]
    from tests.lifecycle import factories as f

    admin = f.user("admin@choeur.test", is_staff=True, is_superuser=True)
    page = _client(admin).get(f"/admin/works/workscontract/{works.contract.pk}/change/")
    assert page.status_code == 200
    assert "ÉLECTRICITÉ PETIT" in page.content.decode()
