"""Pages of the espace « Factures émises »: one topic per module."""
