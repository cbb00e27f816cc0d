import uuid

from django.conf import settings
from django.db import models, transaction
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from wsis.cache import FACILITATED, PUBLIC, SUPPORTS, generation, organisation_scope, renew
from wsis.drafts.alignment import earlier_paragraphs
from wsis.drafts.diff import cached_diffs
from wsis.drafts.models import search_indexes

# What a search reads of an entry (``wsis.search``): its comment or justification and its wording.
SEARCHED_FIELDS = ("text", "proposed_text")
# Compilation order: Member States first, then by group and organisation.
PANEL_ORDER = ("organisation__group__order", "organisation__name", "created", "pk")


class EntryQuerySet(models.QuerySet):
    def visible_to(self, user, *, organisation_ids=None, consultation_ids=None):
        """What ``user`` may read.

        Published submissions to everyone; an organisation's own entries to its members
        (except what a facilitator hid); submitted and withdrawn entries to the
        facilitators of their consultation, through the facilitator gate (without the second
        factor it requires, a facilitator sees what a participant sees).

        ``organisation_ids`` (the user's organisations) and ``consultation_ids`` (those they
        act as facilitator of, ``facilitated_consultations``): if the caller has them
        already, so that the query need not ask again.
        """
        from wsis.stakeholders.access import facilitator_consultation_ids
        from wsis.stakeholders.models import Membership

        published = PUBLISHED_ENTRIES
        if user is None or not user.is_authenticated:
            return self.filter(published)
        if organisation_ids is None:
            organisation_ids = Membership.objects.filter(user=user).values("organisation_id")
        if consultation_ids is None:
            consultation_ids = facilitator_consultation_ids(user)
        ours = Q(organisation_id__in=organisation_ids) & ~Q(moderation=Entry.Moderation.HIDDEN)
        facilitated = Q(
            version__consultation_id__in=consultation_ids,
            status__in=[Entry.Status.SUBMITTED, Entry.Status.WITHDRAWN],
        )
        return self.filter(published | ours | facilitated)

    def on_paragraph(self, paragraph, earlier=None):
        """Entries on this paragraph, and those on paragraphs of earlier versions that follow
        it here through the confirmed alignment (renumbered, moved, split or merged).

        ``earlier``: those paragraphs, if the caller has them already (``earlier_paragraphs``).
        """
        if earlier is None:
            earlier = earlier_paragraphs(paragraph, generation())
        if not earlier:
            return self.filter(paragraph=paragraph)
        return self.filter(Q(paragraph=paragraph) | Q(paragraph_id__in=earlier))

    def for_panel(self):
        """In compilation order (``PANEL_ORDER``), with what an entry's HTML shows."""
        return (
            self.select_related("organisation__group", "paragraph", "author")
            .prefetch_related("supports__organisation")
            .order_by(*PANEL_ORDER)
        )


# What a decision's rationale may hold, however it is recorded (one by one, from a CSV, on the
# outcomes page of a new version).
RATIONALE_LIMIT = 4000


class Entry(models.Model):
    """A comment or a proposal by one organisation on one paragraph of one version."""

    class Kind(models.TextChoices):
        COMMENT = "comment", _("comment")
        AMENDMENT = "amendment", _("amendment")
        NEW_PARAGRAPH = "new_paragraph", _("new paragraph")
        DELETION = "deletion", _("deletion")

    class Status(models.TextChoices):
        DRAFT = "draft", _("draft")
        SUBMITTED = "submitted", _("submitted")
        WITHDRAWN = "withdrawn", _("withdrawn")

    class Moderation(models.TextChoices):
        PENDING = "pending", _("pending review")
        PUBLISHED = "published", _("published")
        REJECTED = "rejected", _("rejected")
        HIDDEN = "hidden", _("hidden")

    class Decision(models.TextChoices):
        OPEN = "open", _("open")
        INCORPORATED = "incorporated", _("incorporated")
        PARTIAL = "partial", _("partially incorporated")
        NOT_INCORPORATED = "not_incorporated", _("not incorporated")

    # Deleting a version or a paragraph must never take what delegations wrote with it.
    version = models.ForeignKey("drafts.Version", on_delete=models.PROTECT, related_name="entries")
    paragraph = models.ForeignKey(
        "drafts.Paragraph",
        on_delete=models.PROTECT,
        related_name="entries",
        help_text=_("The paragraph commented on, or the one a new paragraph would follow."),
    )
    organisation = models.ForeignKey(
        "stakeholders.Organisation", on_delete=models.PROTECT, related_name="entries"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="entries"
    )
    kind = models.CharField(_("kind"), max_length=16, choices=Kind)
    text = models.TextField(_("comment or justification"), blank=True)
    proposed_text = models.TextField(_("proposed text"), blank=True)

    status = models.CharField(_("status"), max_length=10, choices=Status, default=Status.DRAFT)
    moderation = models.CharField(
        _("moderation"), max_length=10, choices=Moderation, default=Moderation.PENDING
    )
    moderation_reason = models.TextField(_("reason"), blank=True)
    decision = models.CharField(
        _("decision"), max_length=16, choices=Decision, default=Decision.OPEN
    )
    decision_rationale = models.TextField(_("rationale"), blank=True)
    duplicate_of = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="duplicates"
    )
    imported_from = models.ForeignKey(
        "comments.MarkupImport",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="entries",
        help_text=_("The marked-up copy this draft was read from, if it was uploaded."),
    )

    # Optimistic locking: a save names the revision it was based on.
    revision = models.PositiveIntegerField(default=1)
    # One per form rendering, so a double click or a resent form creates one entry.
    form_token = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)

    created = models.DateTimeField(_("created"), auto_now_add=True)
    updated = models.DateTimeField(_("updated"), auto_now=True)
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)

    objects = EntryQuerySet.as_manager()

    class Meta:
        ordering = ["paragraph__order", "created"]
        indexes = [
            models.Index(fields=["version", "status", "moderation"]),
            models.Index(fields=["organisation", "status"]),
            models.Index(fields=["paragraph", "status"]),
            # The published counts on the reader, read from the index alone.
            models.Index(
                fields=["version", "paragraph"],
                condition=Q(status="submitted", moderation="published"),
                name="entry_published_idx",
            ),
            *search_indexes("entry", *SEARCHED_FIELDS),
        ]
        verbose_name = _("entry")
        verbose_name_plural = _("entries")

    def __str__(self):
        return f"{self.organisation.acronym} {self.get_kind_display()} on {self.paragraph}"

    @classmethod
    def from_db(cls, db, field_names, values, *args, **kwargs):
        instance = super().from_db(db, field_names, values, *args, **kwargs)
        # Who could see it as loaded, so that a change renews those audiences' caches too.
        state = instance.__dict__
        if {"organisation_id", "status", "moderation"} <= state.keys():
            instance._loaded_state = tuple(
                state[name] for name in ("organisation_id", "status", "moderation")
            )
        return instance

    @property
    def is_proposal(self) -> bool:
        return self.kind != self.Kind.COMMENT

    @property
    def target_label(self) -> str:
        """“OP 26”, or “OP31 bis” for a new paragraph proposed after OP31."""
        if self.kind == self.Kind.NEW_PARAGRAPH:
            return f"{self.paragraph.anchor} bis"
        return self.paragraph.display_label

    def diff_pair(self) -> tuple[str, str] | None:
        """The (old, new) texts whose difference shows what this entry would change."""
        return diff_pair(self.kind, self.paragraph.text, self.proposed_text)

    @property
    def change_html(self):
        if not hasattr(self, "_change_html"):
            attach_diffs([self])
        return self._change_html


def diff_pair(kind: str, paragraph_text: str, proposed_text: str) -> tuple[str, str] | None:
    """The (old, new) texts whose difference shows what a proposal of ``kind`` on a paragraph
    would change (None for a comment): the one rule for every page, report and preview."""
    if kind == Entry.Kind.AMENDMENT:
        return paragraph_text, proposed_text
    if kind == Entry.Kind.NEW_PARAGRAPH:
        return "", proposed_text
    if kind == Entry.Kind.DELETION:
        return paragraph_text, ""
    return None


# What everyone may read: published submissions.
PUBLISHED_ENTRIES = Q(moderation=Entry.Moderation.PUBLISHED, status=Entry.Status.SUBMITTED)


def attach_diffs(entries) -> None:
    """Give each entry its rendered change, computing each distinct diff once, ever."""
    pairs = {entry.pk: entry.diff_pair() for entry in entries}
    rendered = cached_diffs([pair for pair in pairs.values() if pair is not None])
    for entry in entries:
        pair = pairs[entry.pk]
        entry._change_html = rendered[pair] if pair is not None else ""


class Support(models.Model):
    """An organisation joining another organisation's proposal."""

    entry = models.ForeignKey(Entry, on_delete=models.PROTECT, related_name="supports")
    organisation = models.ForeignKey(
        "stakeholders.Organisation", on_delete=models.PROTECT, related_name="supports"
    )
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["entry", "organisation"], name="one_support_per_org")
        ]
        verbose_name = _("support")
        verbose_name_plural = _("supports")

    def __str__(self):
        return f"{self.organisation.acronym} supports #{self.entry_id}"


# What readers see of entries (the counts on the reader, the panels) is cached per audience,
# each piece named by the generations of the scopes it shows (``wsis.cache``); a change to an
# entry renews the scopes it is (or was) in. The receivers are connected in ``CommentsConfig``.


def scopes_of(organisation_id, status, moderation) -> set[str]:
    """The audiences an entry in this state is visible to (see ``visible_to``)."""
    scopes = {organisation_scope(organisation_id)}
    if status in (Entry.Status.SUBMITTED, Entry.Status.WITHDRAWN):
        scopes.add(FACILITATED)
    if status == Entry.Status.SUBMITTED and moderation == Entry.Moderation.PUBLISHED:
        scopes.add(PUBLIC)
    return scopes


def _entry_scopes(entry) -> set[str]:
    scopes = scopes_of(entry.organisation_id, entry.status, entry.moderation)
    loaded = getattr(entry, "_loaded_state", None)
    if loaded is not None:  # what it was before this change matters as much
        scopes |= scopes_of(*loaded)
    return scopes


def entry_changed(sender, instance, **kwargs):
    scopes = _entry_scopes(instance)
    instance._loaded_state = (instance.organisation_id, instance.status, instance.moderation)
    transaction.on_commit(lambda: renew(*scopes))


def support_changed(sender, instance, **kwargs):
    # Who supports a proposal shows wherever the proposal shows.
    if Support.entry.is_cached(instance):
        entry = instance.entry
        found = (entry.organisation_id, entry.status, entry.moderation)
    else:
        found = (
            Entry.objects.filter(pk=instance.entry_id)
            .values_list("organisation_id", "status", "moderation")
            .first()
        )
    scopes = (scopes_of(*found) if found else {PUBLIC, FACILITATED}) | {SUPPORTS}
    transaction.on_commit(lambda: renew(*scopes))


class TakenIn(models.Model):
    """An entry that a paragraph of a later version took in: the provenance of its wording.

    Written when a facilitator composes a revision from the decisions
    (``wsis.moderation.compose``) and kept as they edit it; an organisation sees where its
    words went once that version is published.
    """

    class How(models.TextChoices):
        APPLIED = "applied", _("applied as proposed")
        BY_HAND = "by_hand", _("written in by the facilitator")
        CONFLICT = "conflict", _("in conflict with another proposal")

    paragraph = models.ForeignKey(
        "drafts.Paragraph", on_delete=models.CASCADE, related_name="took_in"
    )
    entry = models.ForeignKey(Entry, on_delete=models.PROTECT, related_name="taken_into")
    how = models.CharField(_("how"), max_length=10, choices=How)

    class Meta:
        ordering = ["paragraph__order", "entry__created", "entry__pk"]
        constraints = [
            models.UniqueConstraint(fields=["paragraph", "entry"], name="one_uptake_per_paragraph")
        ]
        verbose_name = _("entry taken in")
        verbose_name_plural = _("entries taken in")

    def __str__(self):
        return f"{self.paragraph} took in #{self.entry_id} ({self.how})"


class MarkupImport(models.Model):
    """A marked-up copy of a version that an organisation uploaded (``wsis.comments.markup``):
    the drafts chosen from it point here, so each says which file it came from."""

    version = models.ForeignKey("drafts.Version", on_delete=models.PROTECT, related_name="+")
    organisation = models.ForeignKey(
        "stakeholders.Organisation", on_delete=models.PROTECT, related_name="markup_imports"
    )
    # None: imported by an operator from the command line, on the organisation's behalf.
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    filename = models.CharField(_("file name"), max_length=255)
    sha256 = models.CharField(max_length=64)
    created = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("marked-up copy")
        verbose_name_plural = _("marked-up copies")

    def __str__(self):
        return f"{self.organisation.acronym}: {self.filename}"
