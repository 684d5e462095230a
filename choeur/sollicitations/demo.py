"""Demo data of sollicitations: the catégories referential, and a few tickets between the demo
supplier and the demo public structure when both have someone to write and to answer.
Idempotent."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from choeur.directory.demo import DEMO_PUBLIC_SIRET, DEMO_SUPPLIER_SIRET
from choeur.sollicitations import selectors, services
from choeur.sollicitations.enums import Routing
from choeur.sollicitations.models import Category, Sollicitation, SubCategory
from choeur.structures.enums import AccessMode, Espace, IdentifierType
from choeur.structures.models import Structure

S, P = Routing.STRUCTURE, Routing.SUPPORT

# (code, label, [(code, label, routing, offered to people who cannot connect)]). Reference D:
# the pair routes either to support or to a public structure's business service.
REFERENTIAL: list[tuple[str, str, list[tuple[str, str, str, bool]]]] = [
    (
        "CONNEXION",
        "Connexion et compte utilisateur",
        [
            ("MOT_DE_PASSE", "Mot de passe oublié ou compte bloqué", P, True),
            ("ACTIVATION", "Lien d'activation non reçu ou expiré", P, True),
            ("ADRESSE_CONNEXION", "Changement d'adresse électronique de connexion", P, True),
            ("AUTRE_CONNEXION", "Autre problème de connexion", P, True),
        ],
    ),
    (
        "STRUCTURE",
        "Structures et rattachements",
        [
            ("RATTACHEMENT", "Demande de rattachement sans réponse", P, False),
            ("GESTIONNAIRE", "Désignation d'un nouveau gestionnaire principal", P, False),
            ("STRUCTURE_PUBLIQUE", "Création d'une structure publique", P, False),
        ],
    ),
    (
        "RACCORDEMENT",
        "Raccordement EDI / API",
        [
            ("COMPTE_TECHNIQUE", "Compte technique", P, False),
            ("DEPOT_FLUX", "Flux rejeté ou en attente", P, False),
        ],
    ),
    (
        "FACTURE",
        "Factures",
        [
            ("FACTURE_REJETEE", "Question sur une facture rejetée", S, False),
            ("FACTURE_SUSPENDUE", "Question sur une facture suspendue", S, False),
            ("FACTURE_EN_ATTENTE", "Facture en attente de traitement", S, False),
            ("DESTINATAIRE", "Erreur de destinataire ou de service", S, False),
        ],
    ),
    (
        "PAIEMENT",
        "Paiement",
        [
            ("RETARD_PAIEMENT", "Retard de paiement", S, False),
            ("MONTANT_PAYE", "Montant payé différent du montant facturé", S, False),
        ],
    ),
    (
        "AUTRE",
        "Autre demande",
        [
            ("AUTRE_DESTINATAIRE", "Autre question au destinataire", S, False),
            ("AUTRE_PLATEFORME", "Autre question sur la plateforme", P, False),
        ],
    ),
]

DEMO_TITLES = (
    "Facture rejetée : motif incompris",
    "Paiement de la facture de septembre",
)


def referential_load() -> None:
    """Create the catégories and sous-catégories that are missing; never overwrite what an
    operator changed in the admin."""
    for position, (code, label, subcategories) in enumerate(REFERENTIAL):
        category, _ = Category.objects.get_or_create(
            code=code, defaults={"label": label, "position": position}
        )
        for sub_position, (sub_code, sub_label, routing, logged_out) in enumerate(subcategories):
            SubCategory.objects.get_or_create(
                category=category,
                code=sub_code,
                defaults={
                    "label": sub_label,
                    "routing": routing,
                    "offered_logged_out": logged_out,
                    "position": sub_position,
                },
            )


def _structure(siret: str) -> Structure | None:
    return Structure.objects.filter(identifier_type=IdentifierType.SIRET, identifier=siret).first()


def _member(structure: Structure, espace: str) -> Any:
    subscription = (
        structure.espace_subscriptions.filter(espace=espace, mode=AccessMode.MODIFICATION)
        .select_related("user")
        .order_by("pk")
        .first()
    )
    return subscription.user if subscription is not None else None


@transaction.atomic
def load(*, stdout: Any) -> None:
    referential_load()
    supplier, public = _structure(DEMO_SUPPLIER_SIRET), _structure(DEMO_PUBLIC_SIRET)
    sender = _member(supplier, Espace.SOLLICITATIONS_EMISES) if supplier else None
    agent = _member(public, Espace.SOLLICITATIONS_RECUES) if public else None
    if supplier is None or public is None or sender is None or agent is None:
        stdout.write(
            "sollicitations : référentiel chargé ; pas de fournisseur ou de destinataire de "
            "démonstration avec les espaces Sollicitations, tickets ignorés.\n"
        )
        return
    if Sollicitation.objects.filter(sender_structure=supplier, title__in=DEMO_TITLES).exists():
        return
    if not selectors.sender_structures(user=sender).filter(pk=supplier.pk).exists():
        return
    rejected = SubCategory.objects.get(category__code="FACTURE", code="FACTURE_REJETEE")
    late = SubCategory.objects.get(category__code="PAIEMENT", code="RETARD_PAIEMENT")
    first = services.sollicitation_create(
        user=sender,
        structure=supplier,
        subcategory=rejected,
        title=DEMO_TITLES[0],
        description="Notre facture a été rejetée sans motif détaillé. Pouvez-vous préciser ?",
        recipient_identifier=DEMO_PUBLIC_SIRET,
        send=True,
    )
    services.sollicitation_assign_to_self(user=agent, sollicitation=first)
    services.sollicitation_request_information(
        user=agent,
        sollicitation=first,
        body="Pouvez-vous indiquer le numéro de la facture et sa date ?",
    )
    services.sollicitation_create(
        user=sender,
        structure=supplier,
        subcategory=late,
        title=DEMO_TITLES[1],
        description="La facture de septembre, mise en paiement annoncée, n'est pas arrivée.",
        recipient_identifier=DEMO_PUBLIC_SIRET,
        send=True,
    )
    stdout.write("sollicitations : 2 tickets de démonstration créés.\n")
