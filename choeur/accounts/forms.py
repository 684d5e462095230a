from __future__ import annotations

from django import forms
from django.contrib.auth.forms import AuthenticationForm

from choeur.core.forms import BaseForm


class LoginForm(BaseForm, AuthenticationForm):
    username = forms.EmailField(
        label="Adresse électronique",
        widget=forms.EmailInput(attrs={"autocomplete": "email", "autofocus": True}),
    )
    password = forms.CharField(
        label="Mot de passe",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
    error_messages = {
        "invalid_login": (
            "Adresse électronique ou mot de passe incorrect. Après 5 essais infructueux, "
            "le compte est bloqué pendant une heure."
        ),
        "inactive": "Ce compte n'est pas activé. Utilisez le lien reçu par courriel.",
    }
