"""The regulatory delays of the works circuit (CCAG Travaux), in calendar days.

The reference names the tacit procedures (cadres A22-A25, ABSENCE_VALIDATION_MOE_DELAI_
REGLEMENTAIRE) but not their durations; these follow the CCAG Travaux [I]: the maître d'œuvre
answers a projet de décompte mensuel within 7 days and a projet de décompte final within 30;
the maître d'ouvrage then has 10 days before the décompte is deemed accepted. A deployment sets
other values in its settings (WORKS_MOE_DELAY_DAYS_MONTHLY, WORKS_MOE_DELAY_DAYS_FINAL,
WORKS_MOA_DELAY_DAYS).
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings

from choeur.works.enums import MONTHLY_CADRES


def moe_delay(cadre: str) -> dt.timedelta:
    if cadre in MONTHLY_CADRES:
        return dt.timedelta(days=int(getattr(settings, "WORKS_MOE_DELAY_DAYS_MONTHLY", 7)))
    return dt.timedelta(days=int(getattr(settings, "WORKS_MOE_DELAY_DAYS_FINAL", 30)))


def moa_delay(cadre: str) -> dt.timedelta:
    return dt.timedelta(days=int(getattr(settings, "WORKS_MOA_DELAY_DAYS", 10)))
