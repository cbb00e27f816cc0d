import unicodedata
import uuid
from datetime import datetime
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVector
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Consultation(models.Model):
    slug = models.SlugField(_("slug"), unique=True)
    title = models.CharField(_("title"), max_length=300)
    time_zone = models.CharField(
        _("time zone"),
        max_length=64,
        default="America/New_York",
        help_text=_("Deadlines are shown in this time zone; they are stored in UTC."),
    )
    publish_immediately = models.BooleanField(
        _("publish submissions at once"),
        default=False,
        help_text=_("Otherwise submissions wait for a facilitator to publish them."),
    )
    facilitators = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="facilitated_consultations",
        verbose_name=_("facilitators"),
    )
    created = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["title"]
        verbose_name = _("consultation")
        verbose_name_plural = _("consultations")

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("drafts:reader", args=[self.slug])

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.time_zone)

    def is_facilitator(self, user) -> bool:
        if not user.is_authenticated:
            return False
        return self.facilitators.filter(pk=user.pk).exists()

    def current_version(self):
        """The newest published version that is not superseded, else the newest published."""
        versions = self.versions.exclude(status=Version.Status.PREPARING).order_by("-order")
        return versions.exclude(status=Version.Status.SUPERSEDED).first() or versions.first()


def second_factor_missing(user) -> bool:
    """Whether ``user`` may not use facilitator powers yet for want of a second factor.

    A user that did not come through ``OTPMiddleware`` (no ``is_verified``) is not verified.
    """
    if not settings.FACILITATOR_REQUIRE_2FA:
        return False
    is_verified = getattr(user, "is_verified", None)
    return not (is_verified is not None and is_verified())


def sees_versions_in_preparation(user, consultation) -> bool:
    """Whether ``user`` may see the consultation's version in preparation: its facilitators.

    The one facilitator test behind ``Version.objects.visible_to`` and
    ``Version.is_visible_to``, so that the facilitator gate is wired in here alone.
    """
    return consultation.is_facilitator(user) and not second_factor_missing(user)


# PostgreSQL's text search configurations a version is searched with (``wsis.search``): the UN
# languages it has a stemmer for, and "simple" (each word as written, lower-cased) for Arabic,
# Chinese and any other. Each has its own GIN index on paragraphs and on entries, since an
# expression index serves only queries of its one configuration.
SEARCH_CONFIGS = ("english", "french", "spanish", "russian", "simple")
# A version's original language as facilitators type it, in English or in the language itself.
_LANGUAGE_CONFIGS = {
    "english": "english", "en": "english", "anglais": "english", "inglés": "english",
    "french": "french", "fr": "french", "français": "french", "francais": "french",
    "spanish": "spanish", "es": "spanish", "español": "spanish", "espanol": "spanish",
    "russian": "russian", "ru": "russian", "русский": "russian",
}  # fmt: skip


def search_config(language: str) -> str:
    """The text search configuration for a version whose original language is ``language``.

    A version without one is searched in English, the language the drafts are negotiated in
    and the importer reads; a language without a stemmer here word by word ("simple").
    """
    language = language.strip().lower()
    if not language:
        return "english"
    return _LANGUAGE_CONFIGS.get(language, "simple")


def search_indexes(prefix: str, *fields: str) -> list[GinIndex]:
    """One GIN index per configuration on ``search_vector(config, *fields)``, which a query
    reaches only by building its vector the same way."""
    return [
        GinIndex(search_vector(config, *fields), name=f"{prefix}_search_{config}")
        for config in SEARCH_CONFIGS
    ]


def search_vector(config: str, *fields: str) -> SearchVector:
    """The words of ``fields`` as the configuration ``config`` reads them (``search_indexes``)."""
    return SearchVector(*fields, config=config)


LABEL_ERROR = _("Give the version a label of up to 60 characters, without “/”, e.g. Rev.1.")


def normal_version_label(label: str) -> str | None:
    """A version's label as stored, spaces collapsed; None if it cannot be one: empty, over 60
    characters, or holding "/" or control characters, which its addresses allow none of
    (``wsis/converters.py``)."""
    label = " ".join(label.split())
    if not label or len(label) > 60 or "/" in label:
        return None
    if any(unicodedata.category(char).startswith("C") for char in label):
        return None
    return label


class VersionQuerySet(models.QuerySet):
    def published(self):
        """What the public may read: every version but one still in preparation."""
        return self.exclude(status=Version.Status.PREPARING)

    def visible_to(self, user):
        """The published versions, and those in preparation of the consultations ``user``
        facilitates: the one rule for every page, API and report that takes a version."""
        if user is None or not user.is_authenticated or second_factor_missing(user):
            return self.published()
        # ``sees_versions_in_preparation`` as a condition of the same query (a subquery: a join
        # on the facilitators would repeat each version once per facilitator).
        facilitated = Consultation.facilitators.through.objects.filter(user_id=user.pk)
        return self.filter(
            ~models.Q(status=Version.Status.PREPARING)
            | models.Q(consultation_id__in=facilitated.values("consultation_id"))
        )


class Distribution(models.TextChoices):
    GENERAL = "general", _("General")
    LIMITED = "limited", _("Limited")
    RESTRICTED = "restricted", _("Restricted")


class Version(models.Model):
    class Status(models.TextChoices):
        # Imported, its alignment with the previous version not yet confirmed and published.
        PREPARING = "preparing", _("in preparation")
        OPEN = "open", _("open for comments")
        CLOSED = "closed", _("closed")
        SUPERSEDED = "superseded", _("superseded")

    consultation = models.ForeignKey(
        Consultation, on_delete=models.CASCADE, related_name="versions"
    )
    label = models.CharField(_("label"), max_length=60, help_text=_("As in “Zero draft”, “Rev.1”."))
    title = models.CharField(_("title"), max_length=300, blank=True)
    order = models.PositiveIntegerField(_("order"), default=0)
    status = models.CharField(_("status"), max_length=12, choices=Status, default=Status.OPEN)
    source_sha256 = models.CharField(max_length=64, blank=True, editable=False)
    created = models.DateTimeField(_("created"), auto_now_add=True)
    # The front page's header block, as on a UN document ("A/80/L.41", "Limited", the date,
    # "Original: English"); all optional, set by the facilitators.
    symbol = models.CharField(_("document symbol"), max_length=60, blank=True)
    distribution = models.CharField(
        _("distribution"), max_length=10, choices=Distribution, blank=True
    )
    document_date = models.DateField(_("date"), null=True, blank=True)
    original_language = models.CharField(_("original language"), max_length=40, blank=True)
    # Set by the silence procedure (``wsis.silence``), which sits above this app: while it is in
    # the future, the comment services (below silence) refuse every write on the version.
    silence_until = models.DateTimeField(_("under silence until"), null=True, editable=False)

    objects = VersionQuerySet.as_manager()

    class Meta:
        ordering = ["consultation", "order"]
        constraints = [
            models.UniqueConstraint(fields=["consultation", "label"], name="unique_version_label")
        ]
        verbose_name = _("version")
        verbose_name_plural = _("versions")

    def __str__(self):
        return f"{self.consultation.slug} · {self.label}"

    def get_absolute_url(self):
        return reverse("drafts:version", args=[self.consultation.slug, self.label])

    @property
    def is_preparing(self) -> bool:
        return self.status == self.Status.PREPARING

    @property
    def is_open(self) -> bool:
        """Entries may be written on it (within its comment round)."""
        return self.status == self.Status.OPEN

    @property
    def header(self) -> dict[str, str]:
        """The front page's header block as text: ``export_version``'s "header", and part of
        the fingerprint of every report whose first page shows it."""
        return {
            "symbol": self.symbol,
            "distribution": self.distribution,
            "date": self.document_date.isoformat() if self.document_date else "",
            "original_language": self.original_language,
        }

    @property
    def has_header(self) -> bool:
        """Whether the front page carries a header block (symbol, distribution, date...)."""
        return any(self.header.values())

    def in_silence(self, at: datetime | None = None) -> bool:
        """Whether a silence procedure runs on it now (``at``): nothing is written on it then."""
        return self.silence_until is not None and (at or timezone.now()) < self.silence_until

    @property
    def search_config(self) -> str:
        """The text search configuration its paragraphs and entries are searched with."""
        return search_config(self.original_language)

    def is_visible_to(self, user) -> bool:
        """``Version.objects.visible_to`` for one version already at hand."""
        if not self.is_preparing:
            return True
        return bool(user and user.is_authenticated) and sees_versions_in_preparation(
            user, self.consultation
        )

    def previous(self):
        """The published version this one follows (what it is aligned with)."""
        return (
            self.consultation.versions.filter(order__lt=self.order)
            .exclude(status=Version.Status.PREPARING)
            .order_by("-order")
            .first()
        )


class CommentRound(models.Model):
    """The window in which entries on a version may be written and submitted."""

    version = models.OneToOneField(Version, on_delete=models.PROTECT, related_name="round")
    opens_at = models.DateTimeField(_("opens at"))
    closes_at = models.DateTimeField(_("closes at"))

    class Meta:
        verbose_name = _("comment round")
        verbose_name_plural = _("comment rounds")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(closes_at__gt=models.F("opens_at")),
                name="round_closes_after_it_opens",
            )
        ]

    def __str__(self):
        return f"{self.version}: {self.opens_at:%Y-%m-%d %H:%M} – {self.closes_at:%Y-%m-%d %H:%M}"

    def closes_at_for(self, organisation) -> datetime:
        if organisation is None:
            return self.closes_at
        # All of the round's extensions (a few), so that a prefetch of them answers this.
        later = [e.closes_at for e in self.extensions.all() if e.organisation_id == organisation.pk]
        return max([self.closes_at, *later])

    def is_open_for(self, organisation, at: datetime | None = None) -> bool:
        """The one rule for writing entries, which the comment services check inside each
        write's transaction and the pages show: only an open version's round counts (one in
        preparation, closed or superseded takes no entries), from its opening until the
        organisation's deadline (``None``: the round's own)."""
        at = at or timezone.now()
        return self.version.is_open and self.opens_at <= at < self.closes_at_for(organisation)


class DeadlineExtension(models.Model):
    round = models.ForeignKey(CommentRound, on_delete=models.CASCADE, related_name="extensions")
    organisation = models.ForeignKey("stakeholders.Organisation", on_delete=models.CASCADE)
    closes_at = models.DateTimeField(_("closes at"))

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["round", "organisation"], name="one_extension_per_org")
        ]
        verbose_name = _("deadline extension")
        verbose_name_plural = _("deadline extensions")

    def __str__(self):
        return f"{self.organisation} until {self.closes_at:%Y-%m-%d %H:%M}"


class Section(models.Model):
    version = models.ForeignKey(Version, on_delete=models.CASCADE, related_name="sections")
    heading = models.CharField(_("heading"), max_length=300)
    order = models.PositiveIntegerField(_("order"))

    class Meta:
        ordering = ["version", "order"]
        verbose_name = _("section")
        verbose_name_plural = _("sections")

    def __str__(self):
        return self.heading


class ParagraphQuerySet(models.QuerySet):
    def in_document_order(self):
        return self.select_related("section").order_by("order")


class Paragraph(models.Model):
    class Kind(models.TextChoices):
        PREAMBULAR = "preambular", _("preambular")
        OPERATIVE = "operative", _("operative")

    version = models.ForeignKey(Version, on_delete=models.CASCADE, related_name="paragraphs")
    section = models.ForeignKey(Section, on_delete=models.CASCADE, related_name="paragraphs")
    label = models.CharField(_("label"), max_length=20, help_text=_("As in the source: A, 26."))
    kind = models.CharField(_("kind"), max_length=10, choices=Kind)
    text = models.TextField(_("text"))
    order = models.PositiveIntegerField(_("order"))
    # Shared by "the same paragraph" across versions, so entries can follow it.
    lineage = models.UUIDField(_("lineage"), default=uuid.uuid4, db_index=True)

    objects = ParagraphQuerySet.as_manager()

    class Meta:
        ordering = ["version", "order"]
        constraints = [
            models.UniqueConstraint(fields=["version", "label"], name="unique_paragraph_label"),
            models.UniqueConstraint(fields=["version", "order"], name="unique_paragraph_order"),
        ]
        # No text search index: a search reads one version's paragraphs (a few hundred, found
        # through the version's own index), and five GIN indexes would be paid on every import.
        verbose_name = _("paragraph")
        verbose_name_plural = _("paragraphs")

    def __str__(self):
        return self.display_label

    @property
    def prefix(self) -> str:
        return "PP" if self.kind == self.Kind.PREAMBULAR else "OP"

    @property
    def display_label(self) -> str:
        """The label as delegates say it: “PP A”, “OP 26”."""
        return f"{self.prefix} {self.label}"

    @property
    def anchor(self) -> str:
        """The fragment that links to the paragraph: ``#OP26``."""
        return f"{self.prefix}{self.label}"


class ParagraphLinkQuerySet(models.QuerySet):
    def in_document_order(self):
        return self.select_related("source__section", "target__section").order_by("position", "pk")


class ParagraphLink(models.Model):
    """How a paragraph of a version continues one of the previous version (or neither)."""

    class Kind(models.TextChoices):
        UNCHANGED = "unchanged", _("unchanged")
        EDITED = "edited", _("edited")
        RENUMBERED = "renumbered", _("renumbered")
        MOVED = "moved", _("moved")
        SPLIT = "split", _("split")
        MERGED = "merged", _("merged")
        NEW = "new", _("new")
        DELETED = "deleted", _("deleted")

    version = models.ForeignKey(Version, on_delete=models.CASCADE, related_name="links")
    source = models.ForeignKey(
        Paragraph,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="links_forward",
        help_text=_("The paragraph of the previous version; empty for a new paragraph."),
    )
    target = models.ForeignKey(
        Paragraph,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="links_back",
        help_text=_("The paragraph of this version; empty for a deleted paragraph."),
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind)
    score = models.FloatField(_("similarity"), default=0.0)
    # Where the link shows in the alignment: the new version's order, deletions in between.
    position = models.PositiveIntegerField(default=0)
    confirmed = models.BooleanField(_("confirmed"), default=False)

    objects = ParagraphLinkQuerySet.as_manager()

    class Meta:
        ordering = ["version", "position", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(source__isnull=False) | models.Q(target__isnull=False),
                name="link_has_an_end",
            ),
            models.UniqueConstraint(fields=["source", "target"], name="unique_paragraph_link"),
        ]
        verbose_name = _("paragraph link")
        verbose_name_plural = _("paragraph links")

    def __str__(self):
        return f"{self.source or '–'} → {self.target or '–'} ({self.kind})"
