"""Actions that change several models at once: bringing in a new version of a draft."""

from datetime import timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from wsis.audit.models import record
from wsis.cache import renew
from wsis.drafts.alignment import align_versions
from wsis.drafts.importer import VersionInUse, import_draft
from wsis.drafts.models import CommentRound, Paragraph, Version

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
        # A composed revision may hold proposals in conflict (``wsis.moderation.compose``):
        # they are the facilitator's to settle, never published unresolved.
        in_conflict = version.paragraphs.filter(took_in__how="conflict").distinct()
        if in_conflict.exists():
            raise RevisionError(
                _("Proposals on %(labels)s are in conflict: resolve them before publishing.")
                % {"labels": ", ".join(p.display_label for p in in_conflict.order_by("order"))}
            )
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
        transaction.on_commit(renew)
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
