"""Actions that change several models at once: bringing in a new version of a draft."""

from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from wsis.audit.models import record
from wsis.comments.diff import TOKEN, diff_html, word_diff
from wsis.comments.models import Entry, bump_counts
from wsis.drafts.alignment import align_versions, carried_entries_for_version
from wsis.drafts.importer import VersionInUse, import_draft
from wsis.drafts.models import CommentRound, Paragraph, ParagraphLink, Version

# Share of a proposal's changes found in the new text for each suggested outcome.
INCORPORATED_AT = 0.8
PARTIAL_AT = 0.25
DEFAULT_ROUND = timedelta(days=14)


class RevisionError(ValueError):
    pass


def import_revision(consultation, label, draft, *, actor=None, request=None) -> Version:
    """Import ``draft``; when a version precedes it, keep it in preparation, aligned with it.

    One version at a time may be in preparation: importing again under its label replaces it.
    """
    with transaction.atomic():
        preparing = consultation.versions.filter(status=Version.Status.PREPARING).first()
        if preparing is not None and preparing.label != label:
            raise RevisionError(
                _("%(label)s is already in preparation: publish it or import it again first.")
                % {"label": preparing.label}
            )
        existing = consultation.versions.filter(label=label).first()
        if existing is not None and existing != preparing:
            raise RevisionError(
                _("A version labelled %(label)s already exists.") % {"label": label}
            )
        try:
            version = import_draft(
                consultation,
                label,
                draft,
                replace=existing is not None,
                actor=actor,
                request=request,
            )
        except VersionInUse as exc:
            raise RevisionError(str(exc)) from exc
        previous = version.previous()
        if previous is not None:
            version.status = Version.Status.PREPARING
            version.save(update_fields=["status"])
            align_versions(previous, version)
        record(
            "version.imported",
            version,
            actor=actor,
            request=request,
            previous=previous.label if previous else None,
            paragraphs=len(draft.paragraphs),
        )
    return version


def publish_version(version, *, closes_at, actor=None, request=None) -> Version:
    """Publish a version in preparation: its paragraphs take the lineage of those they continue,
    a comment round opens on it, and the version it follows becomes superseded (read-only)."""
    now = timezone.now()
    if closes_at <= now:
        raise RevisionError(_("The comment round must close in the future."))
    with transaction.atomic():
        version = Version.objects.select_for_update().get(pk=version.pk)
        if not version.is_preparing:
            raise RevisionError(_("This version is already published."))
        if version.links.filter(confirmed=False).exists():
            raise RevisionError(_("Confirm the alignment before publishing."))
        previous = version.previous()
        deleted_round = None
        lineage = {}
        best = {}
        links = version.links.filter(source__isnull=False, target__isnull=False)
        for link in links.select_related("source", "target"):
            # A merged paragraph carries on the lineage of its largest part.
            if link.target_id not in best or link.score > best[link.target_id]:
                best[link.target_id] = link.score
                lineage[link.target_id] = link.source.lineage
        paragraphs = list(version.paragraphs.filter(pk__in=lineage))
        for paragraph in paragraphs:
            paragraph.lineage = lineage[paragraph.pk]
        Paragraph.objects.bulk_update(paragraphs, ["lineage"])
        if previous is not None:
            previous.status = Version.Status.SUPERSEDED
            previous.save(update_fields=["status"])
            # A round that had not opened yet would close before it opens: it goes (first, as
            # closing it would break its constraint), and the audit event keeps what it was.
            unopened = CommentRound.objects.filter(version=previous, opens_at__gte=now).first()
            if unopened is not None:
                deleted_round = [unopened.opens_at.isoformat(), unopened.closes_at.isoformat()]
                unopened.delete()
            CommentRound.objects.filter(version=previous, closes_at__gt=now).update(closes_at=now)
        version.status = Version.Status.OPEN
        version.save(update_fields=["status"])
        # Lineages and the versions entries follow changed: renew what was cached of them.
        transaction.on_commit(bump_counts)
        CommentRound.objects.update_or_create(
            version=version, defaults={"opens_at": now, "closes_at": closes_at}
        )
        record(
            "version.published",
            version,
            actor=actor,
            request=request,
            previous=previous.label if previous else None,
            closes_at=closes_at.isoformat(),
            **({"deleted_round_of_previous": deleted_round} if deleted_round else {}),
        )
    return version


def default_closing():
    return timezone.now() + DEFAULT_ROUND


@dataclass
class Suggestion:
    entry: Entry
    carried: list  # the Carried views of the entry (several when its paragraph was split)
    outcome: str
    found: int
    total: int
    version_label: str  # the version whose text suggested the outcome

    @property
    def proposal_diff(self):
        """The proposal marked up against the paragraph it was made on."""
        return diff_html(self.entry.paragraph.text, self.entry.proposed_text)

    @property
    def outcome_label(self) -> str:
        return Entry.Decision(self.outcome).label

    @property
    def rationale(self) -> str:
        """The evidence behind the suggestion, worded for the organisation that reads it."""
        label = self.version_label
        targets = ", ".join(p.display_label for p in self.paragraphs)
        if self.entry.kind == Entry.Kind.DELETION:
            if targets:
                return _("%(label)s keeps the paragraph (%(targets)s).") % {
                    "label": label,
                    "targets": targets,
                }
            return _("%(label)s deletes the paragraph.") % {"label": label}
        if not targets and self.entry.kind != Entry.Kind.NEW_PARAGRAPH:
            return _("%(label)s deletes the paragraph.") % {"label": label}
        return _("%(found)d of the %(total)d words the proposal changes are in %(label)s.") % {
            "found": self.found,
            "total": self.total,
            "label": label,
        }

    @property
    def made_on(self):
        return self.carried[0]

    @property
    def paragraphs(self):
        return [c.paragraph for c in self.carried if c.paragraph is not None]


def _words(text: str) -> Counter:
    return Counter(w.lower() for w in TOKEN.findall(text) if w[0].isalnum())


def _share_taken_in(old: str, proposed: str, new: str) -> tuple[int, int]:
    """How many of the words a proposal inserts are now in ``new`` (and it deletes, gone)."""
    inserted, deleted = Counter(), Counter()
    for change in word_diff(old, proposed):
        if change.op == "insert":
            inserted.update(_words(change.text))
        elif change.op == "delete":
            deleted.update(_words(change.text))
    before, after = _words(old), _words(new)
    gained, lost = after - before, before - after
    found = sum(min(n, gained[w]) for w, n in inserted.items())
    found += sum(min(n, lost[w]) for w, n in deleted.items())
    return found, inserted.total() + deleted.total()


def _outcome(found: int, total: int) -> str:
    if total and found >= INCORPORATED_AT * total:
        return Entry.Decision.INCORPORATED
    if total and found >= PARTIAL_AT * total:
        return Entry.Decision.PARTIAL
    return Entry.Decision.NOT_INCORPORATED


def suggest_outcomes(version) -> list[Suggestion]:
    """For every proposal made on earlier versions, the outcome the text of ``version`` suggests."""
    entries = Entry.objects.filter(status=Entry.Status.SUBMITTED).exclude(
        moderation__in=[Entry.Moderation.REJECTED, Entry.Moderation.HIDDEN]
    )
    carried, orphaned = carried_entries_for_version(version, entries)
    by_entry = defaultdict(list)
    for items in carried.values():
        for item in items:
            by_entry[item.entry.pk].append(item)
    for item in orphaned:
        by_entry[item.entry.pk].append(item)
    new_paragraphs = [
        link.target.text
        for link in version.links.filter(kind=ParagraphLink.Kind.NEW).select_related("target")
    ]
    suggestions = []
    for items in by_entry.values():
        entry = items[0].entry
        if not entry.is_proposal:
            continue
        targets = [i.paragraph.text for i in items if i.paragraph is not None]
        if entry.kind == Entry.Kind.DELETION:
            found, total = (0, 1) if targets else (1, 1)
        elif entry.kind == Entry.Kind.NEW_PARAGRAPH:
            proposed = _words(entry.proposed_text)
            total = proposed.total()
            found = max(
                (sum((proposed & _words(text)).values()) for text in new_paragraphs), default=0
            )
        elif targets:
            found, total = _share_taken_in(
                entry.paragraph.text, entry.proposed_text, " ".join(targets)
            )
        else:
            found, total = 0, 1
        suggestions.append(
            Suggestion(entry, items, _outcome(found, total), found, total, version.label)
        )
    suggestions.sort(key=lambda s: (s.made_on.entry.paragraph.order, s.entry.created, s.entry.pk))
    return suggestions
