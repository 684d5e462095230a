"""The Sirene base (INSEE): unités légales and their établissements, as the stock files give them.

Only the fields the platform uses are kept. Rows are keyed by their INSEE identifier, so a stock
import is an upsert; the two stocks are independent files, so `Etablissement.siren` is a plain
indexed column, not a foreign key. `search_name` is the upper-case, accent-free name that prefix
searches use (see choeur.directory.text.search_key).
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class EtatAdministratif(models.TextChoices):
    ACTIF = "A", _("Actif")
    FERME = "F", _("Fermé")
    CESSE = "C", _("Cessé")


class StatutDiffusion(models.TextChoices):
    DIFFUSIBLE = "O", _("Diffusible")
    PARTIELLEMENT = "P", _("Partiellement diffusible")
    NON_DIFFUSIBLE = "N", _("Non diffusible")


class UniteLegale(models.Model):
    """A legal entity (SIREN)."""

    siren = models.CharField(_("SIREN"), max_length=9, primary_key=True)
    statut_diffusion = models.CharField(
        _("statut de diffusion"), max_length=1, choices=StatutDiffusion.choices, default="O"
    )
    etat_administratif = models.CharField(
        _("état administratif"), max_length=1, choices=EtatAdministratif.choices, default="A"
    )
    denomination = models.CharField(_("dénomination"), max_length=255, blank=True)
    sigle = models.CharField(_("sigle"), max_length=50, blank=True)
    nom = models.CharField(_("nom"), max_length=100, blank=True)
    nom_usage = models.CharField(_("nom d'usage"), max_length=100, blank=True)
    prenom = models.CharField(_("prénom"), max_length=50, blank=True)
    categorie_juridique = models.CharField(_("catégorie juridique"), max_length=4, blank=True)
    activite_principale = models.CharField(_("activité principale (NAF)"), max_length=6, blank=True)
    date_creation = models.DateField(_("date de création"), null=True, blank=True)
    search_name = models.CharField(_("nom normalisé"), max_length=255, blank=True)

    class Meta:
        verbose_name = _("unité légale")
        verbose_name_plural = _("unités légales")
        # Meta.indexes, not db_index: on PostgreSQL db_index adds a second, LIKE-only index
        # that prefix searches (range scans) never use and every import would maintain.
        indexes = [models.Index(fields=["search_name"], name="unitelegale_search_name")]
        constraints = [
            models.CheckConstraint(
                condition=Q(siren__regex=r"^[0-9]{9}$"), name="unitelegale_siren_format"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.raison_sociale} ({self.siren})"

    @property
    def raison_sociale(self) -> str:
        """Dénomination for a company; « NOM Prénom » for an individual."""
        if self.denomination:
            return self.denomination
        nom = self.nom_usage or self.nom
        return " ".join(part for part in (nom, self.prenom) if part)


class Etablissement(models.Model):
    """An establishment (SIRET) with its postal address."""

    siret = models.CharField(_("SIRET"), max_length=14, primary_key=True)
    siren = models.CharField(_("SIREN"), max_length=9)
    nic = models.CharField(_("NIC"), max_length=5)
    statut_diffusion = models.CharField(
        _("statut de diffusion"), max_length=1, choices=StatutDiffusion.choices, default="O"
    )
    etat_administratif = models.CharField(
        _("état administratif"), max_length=1, choices=EtatAdministratif.choices, default="A"
    )
    is_siege = models.BooleanField(_("siège"), default=False)
    enseigne = models.CharField(_("enseigne"), max_length=100, blank=True)
    denomination_usuelle = models.CharField(_("dénomination usuelle"), max_length=255, blank=True)
    complement_adresse = models.CharField(_("complément d'adresse"), max_length=100, blank=True)
    numero_voie = models.CharField(_("numéro de voie"), max_length=10, blank=True)
    indice_repetition = models.CharField(_("indice de répétition"), max_length=5, blank=True)
    type_voie = models.CharField(_("type de voie"), max_length=10, blank=True)
    libelle_voie = models.CharField(_("libellé de voie"), max_length=100, blank=True)
    code_postal = models.CharField(_("code postal"), max_length=5, blank=True)
    libelle_commune = models.CharField(_("commune"), max_length=100, blank=True)
    code_commune = models.CharField(_("code commune"), max_length=5, blank=True)
    activite_principale = models.CharField(_("activité principale (NAF)"), max_length=6, blank=True)
    date_creation = models.DateField(_("date de création"), null=True, blank=True)
    # The normalised dénomination usuelle or enseigne; the unité légale's name is searched there.
    search_name = models.CharField(_("nom normalisé"), max_length=255, blank=True)

    class Meta:
        verbose_name = _("établissement")
        verbose_name_plural = _("établissements")
        indexes = [
            models.Index(fields=["siren"], name="etablissement_siren"),
            models.Index(fields=["search_name"], name="etablissement_search_name"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(siret__regex=r"^[0-9]{14}$"), name="etablissement_siret_format"
            ),
            models.CheckConstraint(
                condition=Q(etat_administratif__in=["A", "F"]),
                name="etablissement_etat_administratif",
            ),
            models.CheckConstraint(
                condition=Q(statut_diffusion__in=["O", "P", "N"]),
                name="etablissement_statut_diffusion",
            ),
        ]

    def __str__(self) -> str:
        return self.siret
