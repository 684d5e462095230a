from django.urls import URLPattern, URLResolver, path
from drf_spectacular.views import SpectacularAPIView

from choeur.api.views import (
    annuaire,
    attachments,
    consult,
    demande_paiement,
    deposit_pdf,
    engagements,
    factures,
    oauth,
    organisations,
    recipient,
    referentials,
    referentials_more,
    structures,
    supplier,
    transverses,
    users,
    validator,
    webhooks,
    works,
)

app_name = "api"

T = "cpro/transverses/v1/"
S = "cpro/structures/v1/"
F = "cpro/factures/v1/"
U = "cpro/utilisateurs/v1/"
ORG = "cpro/organisations/v1/"

urlpatterns: list[URLPattern | URLResolver] = [
    path("api/oauth/token", oauth.token, name="token"),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path(T + "health-check", transverses.HealthCheck.as_view(), name="health_check"),
    path(T + "recuperer/devises", transverses.RecupererDevises.as_view()),
    path(T + "recuperer/cadrefacturation", works.RecupererCadreFacturation.as_view()),
    path(T + "recuperer/modedepot", transverses.RecupererModeDepot.as_view()),
    path(T + "recuperer/formatflux", transverses.RecupererFormatFlux.as_view()),
    path(T + "recuperer/typedp", transverses.RecupererTypeDp.as_view()),
    path(T + "recuperer/etat/typedp", referentials_more.RecupererEtatTypeDp.as_view()),
    path(T + "recuperer/modereglements", transverses.RecupererModeReglements.as_view()),
    path(T + "consulter/information/siret", transverses.ConsulterInformationSiret.as_view()),
    path(T + "rechercher/destinataire", transverses.RechercherDestinataire.as_view()),
    path(T + "consulterCR", factures.ConsulterCR.as_view(), name="consulter_cr"),
    path(
        T + "consulterCRDetaille",
        factures.ConsulterCRDetaille.as_view(),
        name="consulter_cr_detaille",
    ),
    path(T + "recuperer/coordbanc/valides", factures.RecupererCoordBancValides.as_view()),
    path(F + "deposer/flux", factures.DeposerFlux.as_view(), name="deposer_flux"),
    path(
        F + "rechercher/fournisseur",
        factures.RechercherFournisseur.as_view(),
        name="rechercher_fournisseur",
    ),
    path(
        F + "rechercher/recipiendaire",
        recipient.RechercherRecipiendaire.as_view(),
        name="rechercher_recipiendaire",
    ),
    path(F + "traiter/recue", recipient.TraiterRecue.as_view(), name="traiter_recue"),
    path(
        F + "consulter/historique",
        recipient.ConsulterHistorique.as_view(),
        name="consulter_historique",
    ),
    path(F + "consulter/fournisseur", consult.ConsulterFournisseur.as_view()),
    path(F + "consulter/recipiendaire", consult.ConsulterRecipiendaire.as_view()),
    path(F + "telecharger/groupe", consult.TelechargerGroupe.as_view()),
    path(F + "soumettre", supplier.Soumettre.as_view(), name="soumettre"),
    path(F + "completer", supplier.Completer.as_view()),
    path(F + "recycler", supplier.Recycler.as_view()),
    path(F + "traiterRejet", supplier.TraiterRejet.as_view()),
    # The validator circuit (cadres A9, A12).
    path(F + "rechercher/valideur", validator.RechercherValideur.as_view()),
    path(F + "consulter/valideur", validator.ConsulterValideur.as_view()),
    path(F + "traiter/factureAValider", validator.TraiterFactureAValider.as_view()),
    path(
        F + "recuperer/statutsFactureVisibles/valideur",
        validator.RecupererStatutsVisiblesValideur.as_view(),
    ),
    path(F + "corriger/valideur/facture", validator.CorrigerValideurFacture.as_view()),
    path(T + "ajouter/fichier", referentials.AjouterFichier.as_view()),
    path(T + "rechercher/pj/moncompte", referentials.RechercherPjMonCompte.as_view()),
    path(
        T + "rechercher/categorieSollicitation",
        referentials.RechercherCategorieSollicitation.as_view(),
    ),
    path(
        T + "rechercher/sousCategorieSollicitation",
        referentials.RechercherSousCategorieSollicitation.as_view(),
    ),
    path(T + "recuperer/etats/traitement", referentials.RecupererEtatsTraitement.as_view()),
    path(
        T + "recuperer/structures/actives/fournisseur",
        referentials.StructuresActivesFournisseur.as_view(),
    ),
    path(
        T + "recuperer/structures/actives/destinataire",
        referentials.StructuresActivesDestinataire.as_view(),
    ),
    path(S + "rechercher", structures.Rechercher.as_view(), name="structures_rechercher"),
    path(S + "consulter", structures.Consulter.as_view(), name="structures_consulter"),
    path(S + "rechercher/services", structures.RechercherServices.as_view()),
    path(S + "consulter/service", structures.ConsulterService.as_view()),
    # Issue 14: the endpoints of reference E.3 that answered 404.
    path(T + "recuperer/pays", referentials_more.RecupererPays.as_view()),
    path(T + "recuperer/tauxtva", referentials_more.RecupererTauxTva.as_view()),
    path(
        T + "recuperer/motifs/exonerationtva",
        referentials_more.RecupererMotifsExonerationTva.as_view(),
    ),
    path(
        T + "recuperer/typefacturetravaux", referentials_more.RecupererTypeFactureTravaux.as_view()
    ),
    path(
        T + "recuperer/typeidentifiant/structure",
        referentials_more.RecupererTypeIdentifiantStructure.as_view(),
    ),
    path(T + "recuperer/typespj", referentials_more.RecupererTypesPj.as_view()),
    path(
        T + "recuperer/motifs/refus/Facture/AValider",
        referentials_more.RecupererMotifsRefusFactureAValider.as_view(),
    ),
    path(
        T + "telecharger/annuaire/destinataire",
        annuaire.TelechargerAnnuaireDestinataire.as_view(),
    ),
    path(T + "rechercher/pj/structure", attachments.RechercherPjStructure.as_view()),
    path(T + "telecharger/pieceJointe", attachments.TelechargerPieceJointe.as_view()),
    path(
        T + "recuperer/structuresPourUtilisateur",
        users.RecupererStructuresPourUtilisateur.as_view(),
    ),
    path(
        T + "recuperer/structures/actives/facturetravaux",
        works.StructuresActivesFactureTravaux.as_view(),
    ),
    path(U + "monCompte/recuperer/rattachements", users.RecupererRattachementsMonCompte.as_view()),
    path(S + "lister/rattachementsutilisateur", users.ListerRattachementsUtilisateur.as_view()),
    path(S + "rechercher/espaces", users.RechercherEspaces.as_view()),
    path(
        "cpro/engagementsJuridiques/v1/rechercher",
        engagements.RechercherEngagementsJuridiques.as_view(),
    ),
    path(F + "deposer/pdf", deposit_pdf.DeposerPdf.as_view()),
    path(F + "rechercher/demandePaiement", demande_paiement.RechercherDemandePaiement.as_view()),
    path("cpro/facturesTravaux/v1/rechercher", works.RechercherFacturesTravaux.as_view()),
    path("cpro/facturesTravaux/v1/consulter", works.ConsulterFactureTravaux.as_view()),
    # The newer REST « Référentiel des organisations » (its own vocabulary and errors).
    path(ORG + "healthcheck", organisations.Healthcheck.as_view()),
    path(ORG + "structures/recherche", organisations.StructureSearch.as_view()),
    path(ORG + "structures/<str:identifier>", organisations.StructureDetail.as_view()),
    path(ORG + "structures/<str:identifier>/services", organisations.StructureServices.as_view()),
    path(
        ORG + "structures/<str:identifier>/pieces_jointes", organisations.StructurePieces.as_view()
    ),
    path(
        ORG + "structures/<str:identifier>/pieces_jointes/<str:piece>",
        organisations.StructurePiece.as_view(),
    ),
    path(
        ORG + "structures/<str:identifier>/parametres-edi",
        organisations.StructureEdiSettings.as_view(),
    ),
    path(ORG + "services/recherche", organisations.ServiceSearch.as_view()),
    path(ORG + "services/<str:identifier>", organisations.ServiceDetail.as_view()),
    # Not Chorus Pro: the structure's webhook endpoints (issue 14, docs/api.md « Webhooks »).
    path("api/v1/webhooks", webhooks.Webhooks.as_view(), name="webhooks"),
    path("api/v1/webhooks/<int:webhook_id>", webhooks.WebhookDetail.as_view(), name="webhook"),
]
