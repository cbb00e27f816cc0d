"""The one way views reach drafts: by slug and label, 404 when absent.

Drafts are public (the process publishes them), so there is no permission
check here; write access to a version is decided by its comment round.
"""

from django.http import Http404
from django.shortcuts import get_object_or_404

from wsis.drafts.models import Consultation, Paragraph, Version


def get_consultation(slug: str) -> Consultation:
    return get_object_or_404(Consultation, slug=slug)


def get_version(slug: str, label: str | None = None, *, preparing: bool = False) -> Version:
    """``preparing``: also a version not yet published (for its facilitators' pages only)."""
    versions = Version.objects.select_related("consultation").filter(consultation__slug=slug)
    if not preparing:
        versions = versions.exclude(status=Version.Status.PREPARING)
    if label is not None:
        return get_object_or_404(versions, label=label)
    version = get_consultation(slug).current_version()
    if version is None:
        raise Http404("This consultation has no draft yet.")
    return version


def get_paragraph(version: Version, anchor_or_label: str) -> Paragraph:
    """Accepts ``26``, ``OP26`` or ``PPA``, as people type them."""
    label = anchor_or_label.upper().replace(" ", "")
    if label[:2] in ("OP", "PP") and len(label) > 2:
        label = label[2:]
    return get_object_or_404(version.paragraphs.select_related("section"), label=label)
