import pytest
from django.utils import timezone

from wsis.comments.models import Entry


@pytest.fixture
def make_entry(version, delegate_a):
    """``make_entry(organisation, label="26", **fields)``: a submitted entry on the zero draft."""

    def make(organisation, label="26", author=None, **fields):
        paragraph = version.paragraphs.get(label=label)
        defaults = {
            "kind": Entry.Kind.AMENDMENT,
            "text": "Because connectivity matters.",
            "proposed_text": paragraph.text.replace(" the ", " the meaningful ", 1),
            "status": Entry.Status.SUBMITTED,
            "submitted_at": timezone.now(),
        }
        return Entry.objects.create(
            version=version,
            paragraph=paragraph,
            organisation=organisation,
            author=author or delegate_a.user,
            **(defaults | fields),
        )

    return make


@pytest.fixture
def entry_a(make_entry, org_a):
    return make_entry(org_a)


@pytest.fixture
def entry_b(make_entry, org_b, delegate_b):
    return make_entry(org_b, author=delegate_b.user, proposed_text="A wholly new wording.")


def facet(response, param):
    """The counts the queue shows beside each value of one filter."""
    return {
        o["value"]: o["n"]
        for f in response.context["facets"]
        if f["param"] == param
        for o in f["options"]
    }
