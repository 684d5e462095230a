"""Flux (one deposit), invoices, their lines, attachments, status history and drafts (reference C)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from choeur.invoices.enums import (
    AttachmentKind,
    CadreFacturation,
    FluxStatus,
    InvoiceStatus,
    InvoiceType,
    ModeDepot,
    SyntaxeFlux,
    TvaRegime,
)


class Flux(models.Model):
    """One deposit: a file (or an archive of files) kept as received, integrated by a task."""

    numero = models.CharField(_("numéro de flux"), max_length=30, unique=True)  # numeroFluxDepot
    depositor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("déposant"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # The structure the depositor chose to deposit for (each invoice's seller must match one he
    # may act for; see services.checks).
    supplier = models.ForeignKey(
        "structures.Structure",
        verbose_name=_("structure émettrice"),
        on_delete=models.PROTECT,
        related_name="flux",
    )
    mode_depot = models.CharField(_("mode de dépôt"), max_length=30, choices=ModeDepot.choices)
    declared_syntax = models.CharField(
        _("syntaxe déclarée"), max_length=40, choices=SyntaxeFlux.choices, blank=True
    )
    filename = models.CharField(_("nom du fichier"), max_length=255)
    original = models.ForeignKey(
        "core.StoredFile",
        verbose_name=_("fichier reçu"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    # The structured data typed in the form for a PDF deposit (CII), when the original is a plain PDF.
    form_data = models.ForeignKey(
        "core.StoredFile",
        verbose_name=_("données saisies"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    status = models.CharField(
        _("état"),
        max_length=40,
        choices=FluxStatus.choices,
        default=FluxStatus.IN_RECU,
        db_index=True,
    )
    status_changed_at = models.DateTimeField(_("date de l'état"), auto_now_add=True)
    idempotency_key = models.CharField(_("clé d'idempotence"), max_length=255, blank=True)
    attempts = models.PositiveSmallIntegerField(_("tentatives d'intégration"), default=0)
    # When the integration task was last handed to the broker (None: never, or the broker refused
    # it). The sweeper sends another only for a flux never queued, one whose run stalled after its
    # last message, or one whose message is older than INVOICES_QUEUED_LOST_AFTER_SECONDS (lost):
    # a message merely waiting in a backlog is not duplicated (docs/operator-guide.md).
    queued_at = models.DateTimeField(_("date de mise en file"), null=True, blank=True)
    # The compte rendu: {"errors": [...], "items": [{"file", "number", "outcome", "invoice_id", "errors"}]}.
    report = models.JSONField(_("compte rendu"), default=dict, blank=True)
    comment = models.TextField(_("commentaire"), blank=True)
    created_at = models.DateTimeField(_("date de dépôt"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("flux")
        verbose_name_plural = _("flux")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["depositor", "idempotency_key"],
                condition=~Q(idempotency_key=""),
                name="flux_idempotency_key_unique",
            ),
        ]
        indexes = [models.Index(fields=["status", "status_changed_at"])]

    def __str__(self) -> str:
        return self.numero

    @property
    def is_final(self) -> bool:
        from choeur.invoices.enums import FLUX_FINAL_STATUSES

        return self.status in FLUX_FINAL_STATUSES


def siren_of_supplier(invoice: Invoice) -> str:
    """The SIREN of the invoice's supplier (the first 9 digits of its SIRET), "" without one."""
    siret = invoice.supplier.siret if invoice.supplier_id is not None else None
    return siret[:9] if siret else ""


class InvoiceManager(models.Manager["Invoice"]):
    def bulk_create(self, objs: Any, *args: Any, **kwargs: Any) -> list[Invoice]:
        objs = list(objs)
        for invoice in objs:
            if not invoice.seller_siren:
                invoice.seller_siren = siren_of_supplier(invoice)
        return super().bulk_create(objs, *args, **kwargs)


class Invoice(models.Model):
    """A demande de paiement integrated from a flux (identifiantFactureCPP = pk)."""

    flux = models.ForeignKey(
        Flux, verbose_name=_("flux"), on_delete=models.PROTECT, related_name="invoices"
    )
    # Position of the document in its flux: integration is idempotent on (flux, position).
    flux_position = models.PositiveIntegerField(_("rang dans le flux"), default=0)
    mode_depot = models.CharField(_("mode de dépôt"), max_length=30, choices=ModeDepot.choices)
    syntax = models.CharField(_("syntaxe"), max_length=40, choices=SyntaxeFlux.choices, blank=True)
    # Indexed by the composite indexes of Meta, which begin with them.
    supplier = models.ForeignKey(
        "structures.Structure",
        verbose_name=_("fournisseur"),
        on_delete=models.PROTECT,
        related_name="invoices_sent",
        db_index=False,
    )
    recipient = models.ForeignKey(
        "structures.Structure",
        verbose_name=_("destinataire"),
        on_delete=models.PROTECT,
        related_name="invoices_received",
        db_index=False,
    )
    service = models.ForeignKey(
        "structures.Service",
        verbose_name=_("service destinataire"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="invoices",
    )
    engagement_number = models.CharField(_("numéro d'engagement"), max_length=50, blank=True)
    cadre = models.CharField(
        _("cadre de facturation"),
        max_length=60,
        choices=CadreFacturation.choices,
        default=CadreFacturation.A1_FACTURE_FOURNISSEUR,
    )
    type = models.CharField(
        _("type"), max_length=20, choices=InvoiceType.choices, default=InvoiceType.FACTURE
    )
    type_code = models.CharField(_("code type (BT-3)"), max_length=3, default="380")
    number = models.CharField(_("numéro de facture"), max_length=100)
    issue_date = models.DateField(_("date de facture"))
    # The year of the invoice date: supplier + number + year is unique (no duplicate, ever).
    issue_year = models.PositiveSmallIntegerField(_("année de facture"))
    # The reform's unicity key is number + seller's SIREN + year (REJ_UNI): the SIREN of the
    # supplier's SIRET, written with the row (`save`, `InvoiceManager.bulk_create`), "" for a
    # supplier without SIRET (and for the invoices of before the key that shared it).
    seller_siren = models.CharField(
        _("SIREN du vendeur"), max_length=9, blank=True, default="", editable=False
    )
    due_date = models.DateField(_("date d'échéance"), null=True, blank=True)
    currency = models.CharField(_("devise"), max_length=3, default="EUR")
    tva_regime = models.CharField(
        _("régime de TVA"), max_length=30, choices=TvaRegime.choices, blank=True
    )
    total_ht = models.DecimalField(_("montant HT"), max_digits=19, decimal_places=2)
    total_tva = models.DecimalField(_("montant de TVA"), max_digits=19, decimal_places=2)
    total_ttc = models.DecimalField(_("montant TTC"), max_digits=19, decimal_places=2)
    amount_due = models.DecimalField(_("net à payer"), max_digits=19, decimal_places=2)
    # BG-23 as [{"category", "rate", "base", "tax"}] (strings, Decimal-exact).
    vat_breakdown = models.JSONField(_("ventilation de la TVA"), default=list, blank=True)
    seller_name = models.CharField(_("nom du vendeur"), max_length=255, blank=True)
    buyer_name = models.CharField(_("nom de l'acheteur"), max_length=255, blank=True)
    bank_account = models.CharField(_("coordonnées bancaires"), max_length=100, blank=True)
    comment = models.TextField(_("commentaire"), blank=True)
    status = models.CharField(
        _("statut"),
        max_length=50,
        choices=InvoiceStatus.choices,
        default=InvoiceStatus.DEPOSEE,
        db_index=True,
    )
    status_changed_at = models.DateTimeField(_("date du statut"), auto_now_add=True)
    main_document = models.ForeignKey(
        "core.StoredFile",
        verbose_name=_("document principal (PDF)"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    xml = models.ForeignKey(
        "core.StoredFile",
        verbose_name=_("données structurées (XML)"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    # For an invoice deposited without a PDF (E1: UBL or CII), the readable PDF rendered from
    # `xml` on its first download, kept so that the next ones read a file (the XML of an
    # integrated invoice never changes).
    rendered_pdf = models.ForeignKey(
        "core.StoredFile",
        verbose_name=_("PDF rendu depuis le XML"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    # sha256 of the document as deposited: the « empreinte du certificat de dépôt ».
    fingerprint = models.CharField(_("empreinte"), max_length=64)
    deposited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("déposée par"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    rejection_processed_at = models.DateTimeField(_("rejet traité le"), null=True, blank=True)
    created_at = models.DateTimeField(_("date de dépôt"), auto_now_add=True, db_index=True)

    objects = InvoiceManager()

    class Meta:
        verbose_name = _("facture")
        verbose_name_plural = _("factures")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["supplier", "number", "issue_year"], name="invoice_no_duplicate"
            ),
            models.UniqueConstraint(fields=["flux", "flux_position"], name="invoice_flux_position"),
            # The reform's key across the SIRETs of one SIREN: two deposits cannot both pass.
            models.UniqueConstraint(
                fields=["seller_siren", "number", "issue_year"],
                condition=~Q(seller_siren=""),
                name="invoice_reform_unicity",
            ),
            models.CheckConstraint(
                condition=~Q(status=InvoiceStatus.BROUILLON), name="invoice_not_draft"
            ),
        ]
        # The lists' filters and sorts: « Factures émises » by supplier, « Factures reçues » by
        # recipient, each key followed by the id that breaks ties (selectors order by both, in
        # the same direction), so a page reads its rows in index order. Sorting by number uses
        # invoice_no_duplicate on the supplier's side. PostgreSQL also has a trigram index on
        # UPPER(number) for the substring search (migration 0003). The status indexes carry
        # (INCLUDE, PostgreSQL; SQLite builds them without) what both Synthèses read, so their
        # counts and sums per status are index-only scans; the partial index counts the
        # supplier's rejections not yet processed (the lists' notice) from those rows alone;
        # « Factures reçues » sorted by supplier sorts on the name the invoice carries.
        indexes = [
            models.Index(fields=["supplier", "created_at", "id"], name="invoice_supplier_created"),
            models.Index(fields=["supplier", "issue_date", "id"], name="invoice_supplier_issue"),
            models.Index(fields=["supplier", "total_ttc", "id"], name="invoice_supplier_amount"),
            models.Index(
                fields=["supplier", "status", "id"],
                include=["rejection_processed_at", "issue_date", "amount_due"],
                name="invoice_supplier_status_synth",
            ),
            models.Index(
                fields=["supplier"],
                condition=models.Q(status="REJETEE", rejection_processed_at__isnull=True),
                name="invoice_supplier_rejected_open",
            ),
            models.Index(fields=["supplier", "recipient", "id"], name="invoice_supplier_recipient"),
            models.Index(
                fields=["recipient", "created_at", "id"], name="invoice_recipient_created"
            ),
            models.Index(fields=["recipient", "issue_date", "id"], name="invoice_recipient_issue"),
            models.Index(fields=["recipient", "total_ttc", "id"], name="invoice_recipient_amount"),
            models.Index(
                fields=["recipient", "status", "id"],
                include=["total_ttc", "created_at", "service"],
                name="invoice_recipient_status_synth",
            ),
            models.Index(
                fields=["recipient", "seller_name", "id"], name="invoice_recipient_seller_name"
            ),
            models.Index(fields=["recipient", "number", "id"], name="invoice_recipient_number"),
            models.Index(fields=["recipient", "supplier", "id"], name="invoice_recipient_supplier"),
        ]

    def __str__(self) -> str:
        return f"{self.number} ({self.get_status_display()})"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self._state.adding and not self.seller_siren:
            self.seller_siren = siren_of_supplier(self)
        super().save(*args, **kwargs)


class InvoiceLine(models.Model):
    """BG-25, the part of each line the pages show."""

    invoice = models.ForeignKey(
        Invoice, verbose_name=_("facture"), on_delete=models.CASCADE, related_name="lines"
    )
    position = models.PositiveIntegerField(_("rang"))
    line_id = models.CharField(_("identifiant de ligne"), max_length=100)
    designation = models.CharField(_("désignation"), max_length=500)
    reference = models.CharField(_("référence"), max_length=100, blank=True)
    quantity = models.DecimalField(_("quantité"), max_digits=19, decimal_places=6)
    unit = models.CharField(_("unité"), max_length=10)
    unit_price = models.DecimalField(_("prix unitaire HT"), max_digits=19, decimal_places=6)
    discount = models.DecimalField(_("remise HT"), max_digits=19, decimal_places=2, default=0)
    vat_category = models.CharField(_("catégorie de TVA"), max_length=5)
    vat_rate = models.DecimalField(_("taux de TVA"), max_digits=6, decimal_places=3, null=True)
    net_amount = models.DecimalField(_("montant HT"), max_digits=19, decimal_places=2)

    class Meta:
        verbose_name = _("ligne de facture")
        verbose_name_plural = _("lignes de facture")
        ordering = ["invoice", "position"]

    def __str__(self) -> str:
        return self.designation


class InvoiceDraft(models.Model):
    """A saisie web kept as BROUILLON until submitted (reference C.7)."""

    supplier = models.ForeignKey(
        "structures.Structure",
        verbose_name=_("fournisseur"),
        on_delete=models.CASCADE,
        related_name="invoice_drafts",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("créé par"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    status = models.CharField(
        _("statut"), max_length=50, choices=InvoiceStatus.choices, default=InvoiceStatus.BROUILLON
    )
    number = models.CharField(_("numéro de facture"), max_length=100, blank=True)
    recipient_label = models.CharField(_("destinataire"), max_length=300, blank=True)
    total_ttc = models.DecimalField(
        _("montant TTC"), max_digits=19, decimal_places=2, null=True, blank=True
    )
    # The form as typed, field by field (strings), lines under "lines".
    data = models.JSONField(_("données"), default=dict, blank=True)
    submitted_flux = models.OneToOneField(
        Flux,
        verbose_name=_("flux de dépôt"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="draft",
    )
    created_at = models.DateTimeField(_("créé le"), auto_now_add=True)
    updated_at = models.DateTimeField(_("modifié le"), auto_now=True)

    class Meta:
        verbose_name = _("brouillon de facture")
        verbose_name_plural = _("brouillons de facture")
        ordering = ["-updated_at", "-pk"]

    def __str__(self) -> str:
        return self.number or f"Brouillon {self.pk}"


class Attachment(models.Model):
    """A pièce jointe of an invoice (or of a draft, or of a flux before integration)."""

    invoice = models.ForeignKey(
        Invoice,
        verbose_name=_("facture"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="attachments",
    )
    draft = models.ForeignKey(
        InvoiceDraft,
        verbose_name=_("brouillon"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="attachments",
    )
    flux = models.ForeignKey(
        Flux,
        verbose_name=_("flux"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="attachments",
    )
    kind = models.CharField(
        _("type"),
        max_length=20,
        choices=AttachmentKind.choices,
        default=AttachmentKind.COMPLEMENTAIRE,
    )
    name = models.CharField(_("nom"), max_length=255)
    file = models.ForeignKey(
        "core.StoredFile", verbose_name=_("fichier"), on_delete=models.PROTECT, related_name="+"
    )
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("ajoutée par"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # The status the invoice had when this was added (e.g. SUSPENDUE for a « Compléter »).
    added_on_status = models.CharField(_("ajoutée au statut"), max_length=50, blank=True)
    created_at = models.DateTimeField(_("ajoutée le"), auto_now_add=True)

    class Meta:
        verbose_name = _("pièce jointe")
        verbose_name_plural = _("pièces jointes")
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return self.name


class InvoiceStatusChange(models.Model):
    """One row of an invoice's status history: who, when, from, to, why."""

    invoice = models.ForeignKey(
        Invoice, verbose_name=_("facture"), on_delete=models.CASCADE, related_name="status_changes"
    )
    from_status = models.CharField(
        _("statut précédent"), max_length=50, choices=InvoiceStatus.choices, blank=True
    )
    to_status = models.CharField(_("nouveau statut"), max_length=50, choices=InvoiceStatus.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("auteur"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    actor_label = models.CharField(_("auteur (libellé)"), max_length=254, blank=True)
    reason = models.TextField(_("motif ou commentaire"), blank=True)
    created_at = models.DateTimeField(_("date"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("changement de statut")
        verbose_name_plural = _("historique des statuts")
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.invoice_id}: {self.from_status or '—'} → {self.to_status}"


# --- validator circuit (cadres A9, A12; choeur/invoices/services/validation_circuit.py) --------


class InvoiceValidation(models.Model):
    """Who validates an A9 (subcontractor) or A12 (co-contractor) invoice before its recipient
    sees it: level 1 (the prime contractor, the mandataire, or under co-contracting the
    co-contractor) and level 2 (the mandataire). Named at deposit with the flux, attached to the
    invoice at integration; `started_at` starts the 15 days of the current level."""

    flux = models.OneToOneField(
        Flux,
        verbose_name=_("flux"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="validation",
    )
    invoice = models.OneToOneField(
        Invoice,
        verbose_name=_("facture"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="validation",
    )
    validator_1 = models.ForeignKey(
        "structures.Structure",
        verbose_name=_("valideur (1)"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="invoices_to_validate_1",
    )
    service_1 = models.ForeignKey(
        "structures.Service",
        verbose_name=_("service du valideur (1)"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    validator_2 = models.ForeignKey(
        "structures.Structure",
        verbose_name=_("valideur (2)"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="invoices_to_validate_2",
    )
    service_2 = models.ForeignKey(
        "structures.Service",
        verbose_name=_("service du valideur (2)"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    level = models.PositiveSmallIntegerField(_("niveau en cours"), default=1)
    started_at = models.DateTimeField(
        _("début de la validation en cours"), null=True, blank=True, db_index=True
    )
    validated_1_at = models.DateField(_("date de validation (1)"), null=True, blank=True)
    validated_2_at = models.DateField(_("date de validation (2)"), null=True, blank=True)
    created_at = models.DateTimeField(_("créée le"), auto_now_add=True)

    class Meta:
        verbose_name = _("circuit de validation")
        verbose_name_plural = _("circuits de validation")

    def __str__(self) -> str:
        return f"Validation de la facture {self.invoice_id or '—'} (niveau {self.level})"


class ValidationDecision(models.Model):
    """One step of a validation circuit, shown in its history: a validation, a refusal (reason
    from the referential, comment, attachment), « pas le bon valideur », a tacit validation
    after the delay, the supplier's correction of the validator."""

    invoice = models.ForeignKey(
        Invoice,
        verbose_name=_("facture"),
        on_delete=models.CASCADE,
        related_name="validation_decisions",
    )
    level = models.PositiveSmallIntegerField(_("niveau"))
    validator = models.ForeignKey(
        "structures.Structure",
        verbose_name=_("valideur"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    action = models.CharField(_("action"), max_length=20)
    reason_code = models.CharField(_("code du motif"), max_length=40, blank=True)
    comment = models.TextField(_("commentaire"), blank=True)
    attachment = models.ForeignKey(
        Attachment,
        verbose_name=_("pièce jointe"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("auteur"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("date"), auto_now_add=True)

    class Meta:
        verbose_name = _("décision de validation")
        verbose_name_plural = _("décisions de validation")
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.invoice_id} : {self.action} (niveau {self.level})"
