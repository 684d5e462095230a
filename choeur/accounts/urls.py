from django.contrib.auth import views as auth_views
from django.urls import path

from choeur.accounts import proconnect_views, second_factor_views, views

app_name = "accounts"
urlpatterns = [
    path("connexion/", views.LoginView.as_view(), name="login"),
    path("connexion/verification/", second_factor_views.second_step, name="second_factor"),
    path("proconnect/", proconnect_views.start, name="proconnect"),
    path("proconnect/retour/", proconnect_views.callback, name="proconnect_callback"),
    path("deconnexion/", auth_views.LogoutView.as_view(), name="logout"),
    path("", views.profile, name="profile"),
    # Registration, the four steps of the reference text.
    path("inscription/", views.register, name="register"),
    path("inscription/sans-siret/", views.register_no_siret, name="register_no_siret"),
    path("inscription/informations/", views.register_details, name="register_details"),
    path("inscription/espaces/", views.register_espaces, name="register_espaces"),
    path("inscription/courriel-envoye/", views.register_sent, name="register_sent"),
    path("activation/renvoyer/", views.activation_resend, name="activation_resend"),
    # Opening an emailed link moves its token into the session, then this clean URL (issue 16).
    path("activation/", views.activate, name="activate_link"),
    path("activation/<str:token>/", views.activate, name="activate"),
    # Recovery.
    path("mot-de-passe-oublie/", views.password_reset, name="password_reset"),
    path("mot-de-passe-oublie/lien/", views.password_reset_confirm, name="password_reset_link"),
    path(
        "mot-de-passe-oublie/<str:token>/",
        views.password_reset_confirm,
        name="password_reset_confirm",
    ),
    # Mon compte.
    path("modifier/", views.profile_edit, name="profile_edit"),
    path("mot-de-passe/", views.password_change, name="password_change"),
    path("question-de-securite/", views.security_question, name="security_question"),
    path("adresse-de-connexion/", views.email_change, name="email_change"),
    path("adresse-de-connexion/lien/", views.email_change_confirm, name="email_change_link"),
    path(
        "adresse-de-connexion/<str:token>/",
        views.email_change_confirm,
        name="email_change_confirm",
    ),
    path("desactiver/", views.deactivate, name="deactivate"),
    # Sécurité de connexion: the second factors and the last logins.
    path("securite/", second_factor_views.security, name="security"),
    path("securite/confirmation/", second_factor_views.security_reauth, name="security_reauth"),
    path("securite/application/", second_factor_views.security_app_add, name="security_app_add"),
    path(
        "securite/application/<int:device_id>/retirer/",
        second_factor_views.security_app_remove,
        name="security_app_remove",
    ),
    path(
        "securite/cle-d-acces/",
        second_factor_views.security_passkey_add,
        name="security_passkey_add",
    ),
    path(
        "securite/cle-d-acces/<int:passkey_id>/retirer/",
        second_factor_views.security_passkey_remove,
        name="security_passkey_remove",
    ),
    path(
        "securite/codes-de-secours/",
        second_factor_views.security_recovery,
        name="security_recovery",
    ),
]
