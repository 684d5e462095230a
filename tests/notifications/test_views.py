"""« Notifications » and « Mes notifications »: scoped to their user, DSFR, French."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from choeur.notifications.context_processors import unread
from choeur.notifications.enums import Delivery, NotificationKind
from choeur.notifications.models import Notification, NotificationPreference
from choeur.structures.enums import Espace, Role
from tests.lifecycle import factories as f

pytestmark = pytest.mark.django_db


def _client(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _note(user: Any, title: str = "Votre facture F-1 : Suspendue", **fields: Any) -> Notification:
    fields.setdefault("url", "/factures/1/")
    created: Notification = Notification.objects.create(
        user=user,
        kind=fields.pop("kind", NotificationKind.INVOICE_STATUS),
        title=title,
        delivery=fields.pop("delivery", Delivery.IMMEDIATE),
        **fields,
    )
    return created


@pytest.mark.parametrize("path", ["/notifications/", "/notifications/preferences/"])
def test_pages_need_a_login(path: str):
    response = Client().get(path)
    assert response.status_code == 302 and "/compte/" in response["Location"]


def test_the_list_shows_only_the_users_notifications_unread_first_with_their_links():
    user, other = f.user(), f.user()
    old_read = _note(user, "Ancienne lue", read_at=timezone.now())
    unread_note = _note(user, "Nouvelle facture reçue : F-2", url="/factures-recues/2/")
    _note(other, "Notification d'un autre")
    Notification.objects.filter(pk=unread_note.pk).update(
        created_at=old_read.created_at - timezone.timedelta(days=1)
    )
    page = _client(user).get("/notifications/").content.decode()
    assert "Notification d&#x27;un autre" not in page and "Notification d'un autre" not in page
    assert page.index("Nouvelle facture reçue : F-2") < page.index("Ancienne lue")
    assert '<a href="/factures-recues/2/">Nouvelle facture reçue : F-2</a>' in page
    assert "1 notification non lue" in page


def test_marking_one_read_and_another_users_notification_is_not_found():
    user, other = f.user(), f.user()
    mine, theirs = _note(user), _note(other)
    client = _client(user)
    assert client.post(f"/notifications/{theirs.pk}/lue/").status_code == 404
    theirs.refresh_from_db()
    assert theirs.read_at is None
    response = client.post(f"/notifications/{mine.pk}/lue/", {"page": "2"})
    assert response.status_code == 302 and response["Location"] == "/notifications/?page=2"
    mine.refresh_from_db()
    assert mine.read_at is not None
    assert client.get(f"/notifications/{mine.pk}/lue/").status_code == 405


def test_marking_all_read_touches_only_the_users_own():
    user, other = f.user(), f.user()
    for _ in range(3):
        _note(user)
    theirs = _note(other)
    response = _client(user).post("/notifications/tout-lu/", follow=True)
    assert "3 notifications marquées comme lues." in response.content.decode()
    assert not Notification.objects.filter(user=user, read_at__isnull=True).exists()
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_the_list_is_paged():
    user = f.user()
    for index in range(25):
        _note(user, f"Notification n° {index:02d}")
    client = _client(user)
    first = client.get("/notifications/").content.decode()
    second = client.get("/notifications/?page=2").content.decode()
    assert first.count("Marquer comme lue<") == 20
    assert second.count("Marquer comme lue<") == 5
    assert "Page 2 sur 2" in second


def test_the_header_shows_the_unread_count_next_to_mon_compte(unread_in_header: None):
    user = f.user()
    _note(user)
    _note(user)
    _note(user, read_at=timezone.now())
    page = _client(user).get("/notifications/preferences/").content.decode()
    assert "Notifications (2 non lues)" in page
    assert page.index("Notifications (2 non lues)") < page.index("Mon compte")


def test_the_unread_count_costs_one_query_and_only_when_shown(
    rf: Any, django_assert_num_queries: Any
):
    user = f.user()
    _note(user)
    request = rf.get("/")
    request.user = user
    with django_assert_num_queries(0):
        context = unread(request)
    with django_assert_num_queries(1):
        assert context["notifications_unread"]() == 1
        assert context["notifications_unread"]() == 1


def test_anonymous_visitors_get_no_count(rf: Any):
    from django.contrib.auth.models import AnonymousUser

    request = rf.get("/")
    request.user = AnonymousUser()
    assert unread(request) == {}


# --- « Mes notifications » ----------------------------------------------------------------------


def test_preferences_page_saves_a_choice_per_kind():
    user = f.user()
    client = _client(user)
    page = client.get("/notifications/preferences/").content.decode()
    assert "Mes notifications" in page
    assert "Un résumé par jour" in page
    response = client.post(
        "/notifications/preferences/",
        {
            "INVOICE_STATUS": "DAILY_DIGEST",
            "INVOICE_RECEIVED": "IMMEDIATE",
            "FLUX": "NONE",
            "SOLLICITATION": "NONE",
            "RATTACHEMENT": "IMMEDIATE",
        },
        follow=True,
    )
    assert "Vos choix de notification sont enregistrés." in response.content.decode()
    saved = dict(NotificationPreference.objects.filter(user=user).values_list("kind", "choice"))
    assert saved["INVOICE_STATUS"] == "DAILY_DIGEST" and saved["SOLLICITATION"] == "NONE"
    assert "ACCOUNT" not in saved
    page = client.get("/notifications/preferences/").content.decode()
    assert _checked(page, "INVOICE_STATUS") == "DAILY_DIGEST"
    assert _checked(page, "FLUX") == "NONE"


def _checked(page: str, name: str) -> str:
    for tag in re.findall(r"<input[^>]*>", page):
        if f'name="{name}"' in tag and "checked" in tag:
            match = re.search(r'value="([A-Z_]+)"', tag)
            assert match is not None
            return match.group(1)
    return ""


def _disabled(page: str, name: str) -> set[str]:
    found = set()
    for tag in re.findall(r"<input[^>]*>", page):
        if f'name="{name}"' in tag and "disabled" in tag:
            match = re.search(r'value="([A-Z_]+)"', tag)
            assert match is not None
            found.add(match.group(1))
    return found


def test_account_emails_are_shown_locked_with_the_reason_and_a_forged_post_changes_nothing():
    user = f.user()
    client = _client(user)
    page = client.get("/notifications/preferences/").content.decode()
    assert _disabled(page, "ACCOUNT") == {"IMMEDIATE", "DAILY_DIGEST", "NONE"}
    assert _checked(page, "ACCOUNT") == "IMMEDIATE"
    assert "toujours envoyés immédiatement" in page
    client.post("/notifications/preferences/", {"ACCOUNT": "NONE", "INVOICE_STATUS": "NONE"})
    assert not NotificationPreference.objects.filter(kind="ACCOUNT").exists()


def test_a_gestionnaire_principal_sees_invoicing_off_disabled_and_cannot_post_it():
    structure = f.structure("84211943000010", "MENUISERIE DUPONT")
    manager = f.attach(
        f.user(), structure, espace=Espace.FACTURES_EMISES, role=Role.GESTIONNAIRE_PRINCIPAL
    )
    client = _client(manager)
    page = client.get("/notifications/preferences/").content.decode()
    assert _disabled(page, "INVOICE_STATUS") == {"NONE"}
    assert _disabled(page, "INVOICE_RECEIVED") == {"NONE"}
    assert _disabled(page, "SOLLICITATION") == set()
    assert "gestionnaire principal" in page
    response = client.post(
        "/notifications/preferences/", {"INVOICE_STATUS": "NONE", "SOLLICITATION": "NONE"}
    )
    assert response.status_code == 200
    assert "vous ne pouvez pas désactiver" in response.content.decode()
    assert not NotificationPreference.objects.exists()
