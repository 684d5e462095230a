"""The logged-out contact form: a captcha anyone can pass (the registration's image, or a question
in words), and a form people can find (footer, home page, plan du site)."""

from __future__ import annotations

import html as html_lib
import re
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from choeur.accounts.captcha import QUESTIONS
from choeur.sollicitations.models import Sollicitation
from choeur.sollicitations.views import QUESTION_SESSION_KEY

pytestmark = pytest.mark.django_db
URL = "/sollicitations/contact/"


def _data(to_support: Any, **change: str) -> dict[str, str]:
    return {
        "subcategory": str(to_support.pk),
        "email": "perdu@example.test",
        "email_confirmation": "perdu@example.test",
        "title": "Compte bloqué",
        "description": "Je ne peux plus me connecter.",
        "captcha_0": "x",
        "captcha_1": "",
        **change,
    }


def test_the_captcha_image_has_a_text_alternative_and_a_question(client: Client) -> None:
    page = html_lib.unescape(client.get(URL).content.decode())
    alt = re.search(r'<img [^>]*class="captcha[^"]*"[^>]*>', page)
    assert alt and "répondez à la question" in alt.group(0)
    question = client.session[QUESTION_SESSION_KEY][0]
    assert question in [q for q, _a in QUESTIONS]
    assert 'for="id_captcha_question"' in page and question in page


def test_someone_who_cannot_see_the_image_answers_the_question(
    client: Client, to_support: Any
) -> None:
    client.get(URL)
    _question, answers = client.session[QUESTION_SESSION_KEY]
    answer = answers.split("|")[0]
    response = client.post(URL, _data(to_support, captcha_question=answer))
    assert response.status_code == 302
    assert Sollicitation.objects.count() == 1


def test_a_wrong_answer_gets_a_new_question(client: Client, to_support: Any) -> None:
    client.get(URL)
    wrong = "mauvaise réponse"
    response = client.post(URL, _data(to_support, captcha_question=wrong))
    assert response.status_code == 200
    assert "Réponse incorrecte" in response.content.decode()
    assert not Sollicitation.objects.exists()


def test_neither_image_nor_question_is_refused(client: Client, to_support: Any) -> None:
    client.get(URL)
    response = client.post(URL, _data(to_support))
    assert "ou répondez à la question" in html_lib.unescape(response.content.decode())
    assert not Sollicitation.objects.exists()


@pytest.mark.parametrize("page", ["/", "/pages/plan-du-site/", "/pages/accessibilite/"])
def test_the_contact_form_is_linked_from_the_footer_and_the_help(client: Client, page: str) -> None:
    html = client.get(page).content.decode()
    footer = html[html.index('<footer class="fr-footer"') :]
    assert f'href="{reverse("sollicitations:logged_out")}"' in footer
    assert html.count(f'href="{reverse("sollicitations:logged_out")}"') >= 2


def test_thirty_contact_messages_from_one_address_are_cut_by_the_rate_limit(
    client: Client, to_support: Any, settings: Any
) -> None:
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "contact_ip": (4, 3600)}
    statuses = []
    for i in range(30):
        data = _data(
            to_support,
            captcha_1="PASSED",
            email=f"p{i}@example.test",
            email_confirmation=f"p{i}@example.test",
        )
        statuses.append(client.post(URL, data).status_code)
    assert statuses[:4] == [302] * 4 and set(statuses[4:]) == {429}
    assert Sollicitation.objects.count() == 4
