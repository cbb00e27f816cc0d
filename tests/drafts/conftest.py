"""Rev.1 of the WSIS+20 draft (``wsis/drafts/fixtures/wsis20-rev1.txt``) and entries made on the
zero draft that must follow their paragraphs into it.

What Rev.1 does to the zero draft: PP C loses a stray full stop; OP 7 is deleted, so every
later operative paragraph is renumbered; OP 12 is split into Rev.1 OP 11 and OP 12; OP 19
moves to the end of "Follow-up and review" (Rev.1 OP 142); OP 22 and OP 23 are merged into
Rev.1 OP 21; OP 26 takes in the UPU's wording (Rev.1 OP 24); a new paragraph follows OP 29
(Rev.1 OP 28); OP 44 takes in part of the UPU's wording (Rev.1 OP 43).
"""

from pathlib import Path

import pytest
from django.utils import timezone

from tests.conftest import parsed
from wsis.comments.models import Entry
from wsis.drafts.demo import UPU_COPY
from wsis.drafts.services import import_revision, publish_version

REV1 = Path(__file__).resolve().parents[2] / "wsis" / "drafts" / "fixtures" / "wsis20-rev1.txt"


@pytest.fixture
def rev1(version):
    """Rev.1 imported after the zero draft, in preparation, with the suggested alignment."""
    return import_revision(version.consultation, "Rev.1", parsed(REV1))


@pytest.fixture
def published_rev1(rev1):
    rev1.links.update(confirmed=True)
    publish_version(rev1, closes_at=timezone.now() + timezone.timedelta(days=14))
    rev1.refresh_from_db()
    return rev1


def upu_text(label):
    return next(p.text for p in parsed(UPU_COPY).paragraphs if p.label == label)


@pytest.fixture
def zero_entries(version, org_a, org_b, delegate_a, delegate_b):
    """Submitted entries on the zero draft, by label: what each one is about."""

    def entry(label, organisation, author, kind=Entry.Kind.COMMENT, proposed="", **extra):
        fields = {
            "status": Entry.Status.SUBMITTED,
            "moderation": Entry.Moderation.PUBLISHED,
            "submitted_at": timezone.now(),
        }
        return Entry.objects.create(
            version=version,
            paragraph=version.paragraphs.get(label=label),
            organisation=organisation,
            author=author,
            kind=kind,
            text=f"On OP {label}",
            proposed_text=proposed,
            **(fields | extra),
        )

    upu, kenya = (org_b, delegate_b.user), (org_a, delegate_a.user)
    return {
        "upu26": entry("26", *upu, kind=Entry.Kind.AMENDMENT, proposed=upu_text("26")),
        "upu44": entry("44", *upu, kind=Entry.Kind.AMENDMENT, proposed=upu_text("44")),
        "upu76": entry("76", *upu, kind=Entry.Kind.AMENDMENT, proposed=upu_text("76")),
        "ken7": entry("7", *kenya),
        "ken7_deletion": entry("7", *kenya, kind=Entry.Kind.DELETION),
        "ken12": entry("12", *kenya),
        "ken19": entry("19", *kenya),
        "ken22": entry("22", *kenya),
        "ken23": entry("23", *kenya),
        "ken40": entry("40", *kenya),
        "ken_draft": entry("40", *kenya, status=Entry.Status.DRAFT),
    }
