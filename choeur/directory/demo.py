"""Demo directory: a generated Sirene base and public structures, plus fixed entries.

The fixed entries below are stable and documented (docs/annuaire.md); other domains' demo data
and tests rely on them. The public ones are the real sandbox's rule-test recipients
(« matelas de données » 2024: 12345678200028 service obligatoire, ...036 EJ obligatoire,
...044 EJ ou service, ...051 sans paramètre, 11000201100044 État / SFACETAT).
"""

from __future__ import annotations

from typing import Any

# An active company, present in the Sirene base, with no structure yet (registration prefill).
DEMO_SUPPLIER_SIRET = "84211943000010"
DEMO_SUPPLIER_SIREN = DEMO_SUPPLIER_SIRET[:9]
DEMO_SUPPLIER_NAME = "MENUISERIE DUPONT ET FILS"
# A second active company, no structure yet.
DEMO_SUPPLIER_2_SIRET = "51234567900017"
DEMO_SUPPLIER_2_NAME = "BUREAU D'ETUDES LAMBERT CONSEIL"
# An établissement fermé (état administratif F): registration must refuse it.
DEMO_CLOSED_SIRET = "39876543800013"
# An active, non diffusible établissement (statutDiffusion P): no address is shown.
DEMO_NON_DIFFUSIBLE_SIRET = "44455566800011"

# Public structures (is_public=True, kind STRUCTURE_PUBLIQUE), with their services.
# A code service is required; active services SERVICE_DEST_SERV_OBL (no EJ), ACHATS (no EJ),
# TRAVAUX (EJ required) and one inactive service ANCIEN_SERVICE.
DEMO_PUBLIC_SIRET = "12345678200028"
DEMO_PUBLIC_SERVICE_CODE = "SERVICE_DEST_SERV_OBL"
DEMO_PUBLIC_SERVICE_EJ_CODE = "TRAVAUX"
DEMO_PUBLIC_INACTIVE_SERVICE_CODE = "ANCIEN_SERVICE"
# A numéro d'engagement is required (no service code required); one service « ACHATS ».
DEMO_PUBLIC_EJ_SIRET = "12345678200036"
# Either an engagement number or a service code; service SERVICE_DEST_EJ_OU_SERV_OBL.
DEMO_PUBLIC_EJ_OR_SERVICE_SIRET = "12345678200044"
DEMO_PUBLIC_EJ_OR_SERVICE_SERVICE_CODE = "SERVICE_DEST_EJ_OU_SERV_OBL"
# No requirement at all, no service.
DEMO_PUBLIC_FREE_SIRET = "12345678200051"
# The State (« Destinataire État »), service code SFACETAT required.
DEMO_STATE_SIRET = "11000201100044"
DEMO_STATE_SERVICE_CODE = "SFACETAT"


def load(*, stdout: Any) -> None:
    """Load the demo directory (idempotent)."""
