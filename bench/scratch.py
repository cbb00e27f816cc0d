"""Removing a benchmark's own consultations once it has its figures."""

from django.db import transaction

from wsis.comments.models import Entry, Support
from wsis.drafts.models import CommentRound, Consultation


@transaction.atomic
def drop_consultations(*slugs: str) -> None:
    """Entries, supports and comment rounds protect what they hang on (nothing deletes them as a
    side effect), so scratch data goes explicitly, from the leaves up."""
    Support.objects.filter(entry__version__consultation__slug__in=slugs).delete()
    Entry.objects.filter(version__consultation__slug__in=slugs).delete()
    CommentRound.objects.filter(version__consultation__slug__in=slugs).delete()
    Consultation.objects.filter(slug__in=slugs).delete()
