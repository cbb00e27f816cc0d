"""The one way views reach drafts: by slug and label, 404 when absent.

Published drafts are public (the process publishes them); a version in preparation is
seen only by the facilitators of its consultation (``Version.objects.visible_to``) and
answers 404 to everyone else, as if it did not exist. Entries are written only on an
open version, and within its comment round.
"""

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _

from wsis.drafts.models import Consultation, Paragraph, Version


def get_consultation(slug: str) -> Consultation:
    return get_object_or_404(Consultation, slug=slug)


def get_version(slug: str, label: str | None = None, *, user=None) -> Version:
    """The version labelled ``label`` that ``user`` may see (None: the public); without a
    label, the consultation's current published version."""
    versions = (
        Version.objects.visible_to(user)
        .select_related("consultation")
        .filter(consultation__slug=slug)
    )
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


def require_visible(version: Version, user) -> Version:
    """404 for a version ``user`` may not see, as for one that does not exist."""
    if not version.is_visible_to(user):
        raise Http404("No such version.")
    return version


def require_open(version: Version) -> Version:
    """Entries are written, submitted and supported only on a version open for comments."""
    if not version.is_open:
        raise PermissionDenied(
            _("%(label)s is not open for comments: nothing was changed.") % {"label": version.label}
        )
    return version
