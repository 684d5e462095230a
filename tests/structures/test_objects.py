from __future__ import annotations

import datetime
from decimal import Decimal
from types import SimpleNamespace
from unittest import mock

import pytest
from django.core.exceptions import PermissionDenied
from django.test import override_settings
from django.utils import timezone
from oauth2_provider.models import Application

from choeur.accounts.models import User
from choeur.core.models import AuditLog
from choeur.notifications.models import OutboxEmail
from choeur.structures import perms, selectors, services
from choeur.structures.enums import AccessMode, EngagementState, Espace
from choeur.structures.errors import StructureError
from choeur.structures.models import (
    BankAccount,
    EngagementJuridique,
    Service,
    StructureEspace,
    TechnicalAccount,
)
from choeur.structures.services.engagements import EngagementImportError
from choeur.structures.tasks import BEAT_SCHEDULE, technical_password_reminders
from tests.structures.factories import (
    IBAN_CA,
    EngagementFactory,
    ServiceFactory,
    StructureFactory,
    member_add,
    structure_with_manager,
    subscribe,
)

pytestmark = pytest.mark.django_db


def _check(login: str, password: str) -> bool:
    return User.objects.get_by_natural_key(login).check_password(password)


# --- structure ------------------------------------------------------------------------------


def test_manager_modifies_the_editable_fields_with_an_audit_row(supplier) -> None:
    structure, manager = supplier
    services.structure_update(
        actor=manager, structure=structure, data={"telephone": "0102030405", "email": "a@b.fr"}
    )
    structure.refresh_from_db()
    assert structure.telephone == "0102030405"
    row = AuditLog.objects.get(action="structure.update")
    assert row.before == {"telephone": "", "email": ""}
    assert row.after == {"telephone": "0102030405", "email": "a@b.fr"}


def test_insee_fields_of_a_siret_structure_are_not_editable(supplier) -> None:
    structure, manager = supplier
    with pytest.raises(StructureError, match="base INSEE"):
        services.structure_update(
            actor=manager, structure=structure, data={"raison_sociale": "AUTRE NOM"}
        )
    structure.refresh_from_db()
    assert structure.raison_sociale.startswith("ENTREPRISE EXEMPLE")


def test_a_member_cannot_modify_the_structure(supplier) -> None:
    structure, _ = supplier
    member = member_add(structure)
    with pytest.raises(PermissionDenied):
        services.structure_update(actor=member.user, structure=structure, data={"telephone": "1"})


def test_update_from_insee_refreshes_the_greyed_fields(supplier) -> None:
    structure, manager = supplier
    info = SimpleNamespace(
        raison_sociale="NOUVEAU NOM SAS",
        adresse="3 AVENUE DU PORT",
        complement_adresse="BATIMENT B",
        code_postal="13002",
        ville="MARSEILLE",
        non_diffusible=False,
        is_active=True,
    )
    with mock.patch("choeur.directory.selectors.etablissement_get", return_value=info) as get:
        result = services.structure_update_from_insee(actor=manager, structure=structure)
    get.assert_called_once_with(structure.identifier)
    structure.refresh_from_db()
    assert structure.raison_sociale == "NOUVEAU NOM SAS"
    assert structure.ville == "MARSEILLE"
    assert structure.insee_updated_at is not None
    assert set(result.changed) >= {"raison_sociale", "adresse", "code_postal", "ville"}
    assert not result.closed
    assert AuditLog.objects.filter(action="structure.update_insee").exists()


def test_update_from_insee_of_an_unknown_siret_changes_nothing(supplier) -> None:
    structure, manager = supplier
    with (
        mock.patch("choeur.directory.selectors.etablissement_get", return_value=None),
        pytest.raises(StructureError, match="introuvable"),
    ):
        services.structure_update_from_insee(actor=manager, structure=structure)
    structure.refresh_from_db()
    assert structure.insee_updated_at is None


def test_deactivate_then_activate(supplier) -> None:
    structure, manager = supplier
    services.structure_set_active(actor=manager, structure=structure, active=False)
    structure.refresh_from_db()
    assert not structure.is_active
    with pytest.raises(StructureError, match="déjà inactive"):
        services.structure_set_active(actor=manager, structure=structure, active=False)
    services.structure_set_active(actor=manager, structure=structure, active=True)
    structure.refresh_from_db()
    assert structure.is_active


def test_public_parameters_either_one_excludes_the_others(public, supplier) -> None:
    structure, manager = public
    with pytest.raises(StructureError, match="l'un ou l'autre"):
        services.structure_parameters_update(
            actor=manager,
            structure=structure,
            code_service_required=True,
            engagement_required=False,
            engagement_or_service_required=True,
        )
    services.structure_parameters_update(
        actor=manager,
        structure=structure,
        code_service_required=True,
        engagement_required=True,
        engagement_or_service_required=False,
    )
    structure.refresh_from_db()
    assert structure.code_service_required and structure.engagement_required
    private, private_manager = supplier
    with pytest.raises(PermissionDenied):
        services.structure_parameters_update(
            actor=private_manager,
            structure=private,
            code_service_required=True,
            engagement_required=False,
            engagement_or_service_required=False,
        )


def test_default_espaces_of_a_public_structure_include_factures_recues() -> None:
    structure = StructureFactory(public=True)
    opened = services.structure_default_espaces(structure)
    assert Espace.FACTURES_RECUES in opened
    assert services.structure_default_espaces(structure) == []
    private = StructureFactory()
    assert Espace.FACTURES_RECUES not in services.structure_default_espaces(private)


def test_closing_an_espace_hides_it_from_its_subscribers(supplier) -> None:
    structure, manager = supplier
    member = member_add(structure)
    subscribe(member.user, structure, Espace.SOLLICITATIONS_EMISES)
    services.structure_espaces_update(
        actor=manager, structure=structure, espaces=[Espace.FACTURES_EMISES]
    )
    assert not perms.has_espace(member.user, structure, Espace.SOLLICITATIONS_EMISES)
    assert StructureEspace.objects.get(
        structure=structure, espace=Espace.ACTIVITES_GESTIONNAIRE
    ).is_open


# --- services -------------------------------------------------------------------------------


def test_duplicate_service_code_is_refused(supplier) -> None:
    structure, manager = supplier
    services.service_create(actor=manager, structure=structure, code="ACHATS", name="Achats")
    with pytest.raises(StructureError, match="existe déjà"):
        services.service_create(actor=manager, structure=structure, code="achats", name="Bis")
    assert Service.objects.filter(structure=structure).count() == 1


def test_service_members_are_set_and_audited(supplier) -> None:
    structure, manager = supplier
    member = member_add(structure)
    service = services.service_create(
        actor=manager, structure=structure, code="RH", name="Ressources humaines", members=[member]
    )
    assert list(service.rattachements.all()) == [member]
    services.service_update(
        actor=manager, service=service, code="RH", name="RH", is_active=False, members=[]
    )
    service.refresh_from_db()
    assert not service.is_active
    assert service.rattachements.count() == 0
    row = AuditLog.objects.get(action="service.update")
    assert row.before["membres"] == member.user.email


# --- bank accounts --------------------------------------------------------------------------


def test_bank_account_with_a_valid_iban_gets_its_bank_and_bic(supplier) -> None:
    structure, manager = supplier
    account = services.bank_account_create(
        actor=manager,
        structure=structure,
        label="Compte principal",
        holder="MENUISERIE",
        iban="fr76 3000 6000 0112 3456 7890 189",
    )
    assert account.iban == IBAN_CA
    assert account.bic == "AGRIFRPPXXX"
    assert account.bank_name == "CREDIT AGRICOLE SA"
    assert list(selectors.bank_accounts_valid_for(structure)) == [account]
    services.bank_account_update(
        actor=manager, account=account, label="Ancien", holder="X", is_factor=True, is_active=False
    )
    assert list(selectors.bank_accounts_valid_for(structure)) == []


@pytest.mark.parametrize(
    ("iban", "message"),
    [
        ("FR7630006000011234567890188", "clé de contrôle"),
        ("FR76300060000112345678901", "longueur"),
        ("", "obligatoire"),
    ],
)
def test_an_invalid_iban_is_refused_with_a_clear_message(supplier, iban, message) -> None:
    structure, manager = supplier
    with pytest.raises(StructureError, match=message):
        services.bank_account_create(
            actor=manager, structure=structure, label="X", holder="Y", iban=iban
        )
    assert not BankAccount.objects.exists()


def test_the_same_iban_twice_is_refused(supplier) -> None:
    structure, manager = supplier
    services.bank_account_create(
        actor=manager, structure=structure, label="A", holder="B", iban=IBAN_CA
    )
    with pytest.raises(StructureError, match="déjà enregistré"):
        services.bank_account_create(
            actor=manager, structure=structure, label="C", holder="D", iban=IBAN_CA
        )


# --- technical accounts ---------------------------------------------------------------------


def test_technical_account_login_password_and_oauth_client(supplier) -> None:
    structure, manager = supplier
    made = services.technical_account_create(actor=manager, structure=structure)
    account = made.account
    assert account.login == f"TECH_1_{structure.identifier}@cpro.fr"
    assert account.user.is_technical
    # Stored hashed: the clear password is not in the database, but it authenticates.
    assert made.password not in account.user.password
    assert _check(account.login, made.password)
    application = Application.objects.get(pk=account.application_id)
    assert application.client_type == Application.CLIENT_CONFIDENTIAL
    assert application.authorization_grant_type == Application.GRANT_CLIENT_CREDENTIALS
    assert made.client_secret and application.client_secret != made.client_secret
    expected = timezone.now() + datetime.timedelta(days=424)
    assert abs((account.password_expires_at - expected).total_seconds()) < 60
    second = services.technical_account_create(actor=manager, structure=structure)
    assert second.account.login.startswith("TECH_2_")
    # The API user acts for its structure, in the espaces open on it.
    assert perms.has_espace(
        account.user, structure, Espace.FACTURES_EMISES, AccessMode.MODIFICATION
    )
    assert selectors.technical_account_for_user(account.user) == account


@override_settings(TECHNICAL_PASSWORD_DAYS=30)
def test_expiry_follows_the_setting_and_renewal_changes_the_password(supplier) -> None:
    structure, manager = supplier
    made = services.technical_account_create(actor=manager, structure=structure)
    assert made.account.expires_on == timezone.localdate() + datetime.timedelta(days=30)
    renewed = services.technical_account_renew(actor=manager, account=made.account)
    assert renewed.password != made.password
    assert renewed.client_secret is None
    assert not _check(made.account.login, made.password)
    assert _check(made.account.login, renewed.password)


def test_only_the_manager_creates_technical_accounts(supplier) -> None:
    structure, _ = supplier
    member = member_add(structure)
    with pytest.raises(PermissionDenied):
        services.technical_account_create(actor=member.user, structure=structure)
    assert not TechnicalAccount.objects.exists()


def test_daily_job_emails_the_managers_15_days_before_expiry_once(supplier) -> None:
    structure, manager = supplier
    made = services.technical_account_create(actor=manager, structure=structure)
    expires = timezone.localdate() + datetime.timedelta(days=15)
    TechnicalAccount.objects.filter(pk=made.account.pk).update(
        password_expires_at=timezone.now() + datetime.timedelta(days=15)
    )
    OutboxEmail.objects.all().delete()
    assert technical_password_reminders.delay().get() == 1
    (email,) = OutboxEmail.objects.all()
    assert email.to == [manager.email]
    assert made.account.login in email.body_text
    assert expires.strftime("%d/%m/%Y") in email.subject
    assert technical_password_reminders.delay().get() == 0
    assert OutboxEmail.objects.count() == 1
    assert BEAT_SCHEDULE["structures.technical_password_reminders"]["task"] == (
        technical_password_reminders.name
    )


def test_no_reminder_for_a_password_expiring_later(supplier) -> None:
    structure, manager = supplier
    services.technical_account_create(actor=manager, structure=structure)
    OutboxEmail.objects.all().delete()
    assert services.technical_password_reminders_send() == 0
    assert not OutboxEmail.objects.exists()


# --- engagements ----------------------------------------------------------------------------


def test_engagement_by_form_and_find(public) -> None:
    structure, manager = public
    service = ServiceFactory(structure=structure, engagement_required=True)
    engagement = services.engagement_create(
        actor=manager,
        structure=structure,
        number="EJ0001",
        service=service,
        amount_ht=Decimal("100.50"),
        date=datetime.date(2026, 2, 1),
    )
    assert selectors.engagement_find(structure=structure, number=" EJ0001 ") == engagement
    assert engagement.accepts_invoices
    assert selectors.engagement_find(structure=structure, number="EJ0002") is None
    other, _ = structure_with_manager(public=True)
    assert selectors.engagement_find(structure=other, number="EJ0001") is None
    with pytest.raises(StructureError, match="existe déjà"):
        services.engagement_create(
            actor=manager,
            structure=structure,
            number="EJ0001",
            amount_ht=Decimal("1"),
            date=datetime.date(2026, 2, 1),
        )


def test_a_private_structure_publishes_no_engagement(supplier) -> None:
    structure, manager = supplier
    with pytest.raises(PermissionDenied):
        services.engagement_create(
            actor=manager,
            structure=structure,
            number="EJ1",
            amount_ht=Decimal("1"),
            date=datetime.date(2026, 1, 1),
        )


def test_a_member_with_engagements_in_modification_publishes(public) -> None:
    structure, _ = public
    member = member_add(structure)
    assert not perms.can_manage_engagements(member.user, structure)
    subscribe(member.user, structure, Espace.ENGAGEMENTS, AccessMode.MODIFICATION)
    assert perms.can_manage_engagements(member.user, structure)


CSV_OK = (
    "numero;type;code_service;montant_ht;montant_ttc;etat;date;date_fin;fournisseur\n"
    "EJ100;BON_DE_COMMANDE;ACHATS;1 234,56;1481,47;COMMANDE;05/01/2026;;84211943000010\n"
    "EJ101;;;500.00;;;2026-01-06;;\n"
)


def test_csv_import_creates_then_updates(public) -> None:
    structure, manager = public
    ServiceFactory(structure=structure, code="ACHATS")
    result = services.engagement_import_csv(
        actor=manager, structure=structure, data=CSV_OK.encode()
    )
    assert (result.created, result.updated) == (2, 0)
    ej = EngagementJuridique.objects.get(number="EJ100")
    assert ej.amount_ht == Decimal("1234.56")
    assert ej.service is not None and ej.service.code == "ACHATS"
    assert ej.date == datetime.date(2026, 1, 5)
    closed = CSV_OK.replace("COMMANDE;05/01", "CLOTURE;05/01")
    result = services.engagement_import_csv(
        actor=manager, structure=structure, data=closed.encode("cp1252")
    )
    assert (result.created, result.updated) == (0, 1)
    ej.refresh_from_db()
    assert ej.state == EngagementState.CLOTURE
    assert not ej.accepts_invoices


def test_csv_import_is_all_or_nothing_with_line_numbers(public) -> None:
    structure, manager = public
    data = (
        "numero;code_service;montant_ht;date\n"
        "EJ1;;100;05/01/2026\n"
        "EJ2;INCONNU;100;05/01/2026\n"
        "EJ3;;douze;05/01/2026\n"
        "EJ1;;100;31/02/2026\n"
    )
    with pytest.raises(EngagementImportError) as raised:
        services.engagement_import_csv(actor=manager, structure=structure, data=data.encode())
    errors = raised.value.errors
    assert errors[0].startswith("Ligne 3 :") and "INCONNU" in errors[0]
    assert errors[1].startswith("Ligne 4 :") and "montant HT invalide" in errors[1]
    assert (
        errors[2].startswith("Ligne 5 :")
        and "ligne 2" in errors[2]
        and "date invalide" in errors[2]
    )
    assert not EngagementJuridique.objects.exists()


def test_csv_import_without_required_columns_is_refused(public) -> None:
    structure, manager = public
    with pytest.raises(EngagementImportError) as raised:
        services.engagement_import_csv(
            actor=manager, structure=structure, data=b"numero;date\nEJ1;05/01/2026\n"
        )
    assert "montant_ht" in raised.value.errors[0]


def test_engagement_number_never_changes_on_update(public) -> None:
    structure, manager = public
    engagement = EngagementFactory(structure=structure)
    services.engagement_update(
        actor=manager,
        engagement=engagement,
        amount_ht=Decimal("5"),
        date=engagement.date,
        state=EngagementState.ANNULE,
    )
    engagement.refresh_from_db()
    assert engagement.state == EngagementState.ANNULE
    assert AuditLog.objects.filter(
        action="engagement.update", object_id=str(engagement.pk)
    ).exists()


def test_a_duplicate_created_at_the_same_moment_gets_the_same_message(supplier) -> None:
    """The check passed for both requests; the database constraint catches the second."""
    structure, manager = supplier
    services.service_create(actor=manager, structure=structure, code="ACHATS", name="Achats")
    with (
        mock.patch("choeur.structures.services.units._check", return_value="ACHATS"),
        pytest.raises(StructureError, match="existe déjà"),
    ):
        services.service_create(actor=manager, structure=structure, code="ACHATS", name="Bis")
    assert Service.objects.filter(structure=structure).count() == 1


def test_update_from_insee_through_the_page_warns_of_a_closed_establishment(supplier) -> None:
    from django.test import Client
    from django.urls import reverse

    structure, manager = supplier
    info = SimpleNamespace(
        raison_sociale=structure.raison_sociale,
        adresse="1 RUE NEUVE",
        complement_adresse="",
        code_postal="75001",
        ville="PARIS",
        non_diffusible=False,
        is_active=False,
    )
    client = Client()
    client.force_login(manager)
    with mock.patch("choeur.directory.selectors.etablissement_get", return_value=info):
        response = client.post(reverse("structures:insee_update", args=[structure.pk]), follow=True)
    html = response.content.decode()
    assert "fermé dans la base INSEE" in html
    assert "mise à jour depuis la base INSEE" in html
    structure.refresh_from_db()
    assert structure.ville == "PARIS"
