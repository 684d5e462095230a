from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from choeur.core.forms import BaseForm
from choeur.notifications.enums import Delivery
from choeur.notifications.perms import KindRule

RADIO_SNIPPET = "dsfr/form_field_snippets/radioselect_snippet.html"


class _RadioWithDisabledChoices(forms.RadioSelect):
    """Shows every choice, the forbidden ones disabled, so the user sees what he cannot do."""

    def __init__(self, *args: Any, disabled_values: frozenset[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.disabled_values = disabled_values

    def create_option(self, *args: Any, **kwargs: Any) -> dict[str, Any]:
        option: dict[str, Any] = super().create_option(*args, **kwargs)
        if option["value"] in self.disabled_values:
            option["attrs"]["disabled"] = True
        return option


class _DeliveryField(forms.ChoiceField):
    # django-dsfr picks its fieldset snippet by widget class name: say it here.
    template_name = RADIO_SNIPPET


class PreferencesForm(BaseForm):
    """« Mes notifications »: one question per kind; the rules decide what may be chosen."""

    def __init__(self, *args: Any, rules: list[tuple[KindRule, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.rules = {rule.kind.value: rule for rule, _current in rules}
        for rule, current in rules:
            disabled = frozenset(value for value in Delivery.values if value not in rule.allowed)
            self.fields[rule.kind.value] = _DeliveryField(
                label=rule.kind.label,
                choices=Delivery.choices,
                initial=current,
                help_text=rule.reason,
                disabled=rule.locked,
                widget=_RadioWithDisabledChoices(disabled_values=disabled),
            )

    def clean(self) -> dict[str, Any]:
        cleaned: dict[str, Any] = super().clean() or {}
        for kind, rule in self.rules.items():
            choice = cleaned.get(kind)
            if choice and Delivery(choice) not in rule.allowed:
                self.add_error(kind, rule.reason or _("Ce choix n'est pas possible."))
        return cleaned

    def choices_to_save(self) -> dict[str, str]:
        """Only the questions the user may answer: locked ones keep their rule."""
        return {
            kind: self.cleaned_data[kind]
            for kind, rule in self.rules.items()
            if not rule.locked and self.cleaned_data.get(kind)
        }
