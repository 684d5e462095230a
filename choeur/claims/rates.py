"""The rate table of the partial refund of the taxe intérieure de consommation (TIC) to farmers
(cadre A21), per campaign (the calendar year of consumption) and product.

The refund of one product is its quantity times its rate, rounded to the cent as an invoice line
(EN 16931). Rates are per the legal unit (€ per hectolitre of gazole non routier, per 100 kg of
fioul lourd, per MWh of gaz naturel); the form asks for the quantities as the purchase invoices
state them (litres, kilograms, MWh), and the table converts.

The values below are the refund rates Chœur ships (gazole non routier: 18,82 € of TICPE per
hectolitre less the 3,86 € farmers bear; fioul lourd; gaz naturel: TICGN). They are the same
for every campaign listed: a deployer checks them against the official barème of each campaign
(the decree and its BOFiP commentary) and updates this table, the one place they live
(docs/claims.md).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from choeur.claims.enums import TicProduct


@dataclass(frozen=True)
class Rate:
    amount: Decimal  # € per legal unit
    legal_unit: str  # how the barème states it
    per: Decimal  # form units in one legal unit
    unit_code: str  # UN/ECE rec. 20 code of the form's unit (the invoice line's BT-130)
    unit_label: str  # the form's unit, in French

    @property
    def unit_price(self) -> Decimal:
        """The refund per form unit (the invoice line's net price, BT-146)."""
        return self.amount / self.per


_DEFAULT: dict[str, Rate] = {
    TicProduct.GAZOLE_NON_ROUTIER: Rate(
        Decimal("14.96"), "hectolitre", Decimal("100"), "LTR", "litres"
    ),
    TicProduct.FIOUL_LOURD: Rate(Decimal("1.665"), "100 kg", Decimal("100"), "KGM", "kg"),
    TicProduct.GAZ_NATUREL: Rate(Decimal("8.36"), "MWh", Decimal("1"), "MWH", "MWh"),
}

RATES: dict[int, dict[str, Rate]] = {year: dict(_DEFAULT) for year in range(2021, 2026)}


def campaigns() -> list[int]:
    """The campaigns the table has rates for, the most recent first."""
    return sorted(RATES, reverse=True)


def rate_for(campaign: int, product: str) -> Rate | None:
    return RATES.get(campaign, {}).get(product)
