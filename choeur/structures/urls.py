from django.urls import path

from choeur.structures.views import (
    account,
    bank,
    engagements,
    members,
    structure,
    technical,
    units,
    webhooks,
)

app_name = "structures"

S = "<int:structure_id>/"

urlpatterns = [
    # « Mon compte »
    path("mes-rattachements/", account.my_rattachements, name="my_rattachements"),
    path("mes-rattachements/demande/", account.rattachement_request, name="rattachement_request"),
    path(
        "mes-rattachements/<int:rattachement_id>/retirer/",
        account.rattachement_withdraw,
        name="rattachement_withdraw",
    ),
    path("mes-abonnements/", account.my_espaces, name="my_espaces"),
    # « Gestion de la structure »
    path("", structure.index, name="index"),
    path("engagements/", engagements.engagements_home, name="engagements_home"),
    path(S, structure.detail, name="detail"),
    path(S + "modifier/", structure.edit, name="edit"),
    path(S + "insee/", structure.insee_update, name="insee_update"),
    path(S + "activation/", structure.set_active, name="set_active"),
    path(S + "parametres/", structure.parameters, name="parameters"),
    path(S + "espaces/", structure.espaces, name="espaces"),
    path(S + "historique/", structure.history, name="history"),
    path(S + "utilisateurs/", members.members, name="members"),
    path(S + "utilisateurs/<int:rattachement_id>/", members.member, name="member"),
    path(
        S + "utilisateurs/<int:rattachement_id>/detacher/",
        members.member_detach,
        name="member_detach",
    ),
    path(S + "transmettre/", members.handover, name="handover"),
    path(S + "duplication-des-droits/", members.copy_rights, name="copy_rights"),
    path(S + "approbations/", members.approvals, name="approvals"),
    path(S + "approbations/<int:rattachement_id>/", members.approval, name="approval"),
    path(S + "services/", units.service_list, name="services"),
    path(S + "services/nouveau/", units.service_edit, name="service_create"),
    path(S + "services/<int:service_id>/", units.service_edit, name="service"),
    path(S + "coordonnees-bancaires/", bank.bank_account_list, name="bank_accounts"),
    path(
        S + "coordonnees-bancaires/nouveau/", bank.bank_account_create, name="bank_account_create"
    ),
    path(
        S + "coordonnees-bancaires/<int:bank_account_id>/",
        bank.bank_account_edit,
        name="bank_account",
    ),
    path(S + "comptes-techniques/", technical.technical_account_list, name="technical_accounts"),
    path(
        S + "comptes-techniques/nouveau/",
        technical.technical_account_create,
        name="technical_account_create",
    ),
    path(
        S + "comptes-techniques/<int:technical_account_id>/",
        technical.technical_account_renew,
        name="technical_account",
    ),
    path(
        S + "comptes-techniques/<int:technical_account_id>/activation/",
        technical.technical_account_set_active,
        name="technical_account_set_active",
    ),
    path(S + "raccordement-api/", webhooks.webhook_list, name="webhooks"),
    path(S + "raccordement-api/nouveau/", webhooks.webhook_create, name="webhook_create"),
    path(S + "raccordement-api/<int:endpoint_id>/", webhooks.webhook_detail, name="webhook"),
    path(
        S + "raccordement-api/<int:endpoint_id>/suppression/",
        webhooks.webhook_delete,
        name="webhook_delete",
    ),
    path(
        S + "raccordement-api/<int:endpoint_id>/reactivation/",
        webhooks.webhook_reactivate,
        name="webhook_reactivate",
    ),
    path(
        S + "raccordement-api/<int:endpoint_id>/livraisons/<int:delivery_id>/renvoi/",
        webhooks.webhook_resend,
        name="webhook_resend",
    ),
    path(S + "engagements/", engagements.engagement_list, name="engagements"),
    path(S + "engagements/nouveau/", engagements.engagement_edit, name="engagement_create"),
    path(S + "engagements/import/", engagements.engagement_import, name="engagement_import"),
    path(S + "engagements/<int:engagement_id>/", engagements.engagement_edit, name="engagement"),
]
