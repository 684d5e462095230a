"""Writes of the invoices domain, one topic per module:

- `deposit`: flux_deposit (every way in)
- `integration`: flux_integrate (the task's body), flux_sweep
- `checks`, `rules`, `archive`: the checks a document goes through
- `status`: invoice_set_status, the one way an invoice changes status
- `supplier`: Compléter, Recycler, Traiter le rejet
- `drafts`: saisie web (BROUILLON) and its submission
"""
