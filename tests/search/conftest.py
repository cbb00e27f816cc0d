import pytest
from django.urls import reverse

from tests.comments.conftest import make_entry
from wsis.comments.models import Entry


def search(client, consultation, **params):
    return client.get(reverse("search:search", args=[consultation.slug]), params)


def entry(version, organisation, author, text, label="26", **fields):
    """A comment of ``organisation`` on ``label``, submitted and published unless ``fields``
    say otherwise."""
    fields = {
        "kind": Entry.Kind.COMMENT,
        "status": Entry.Status.SUBMITTED,
        "moderation": Entry.Moderation.PUBLISHED,
    } | fields
    return make_entry(version, organisation, author, label, text=text, **fields)


@pytest.fixture
def entries(version, org_a, org_b, delegate_a, delegate_b):
    """One entry in each state that someone may not see, each with a word of its own."""
    a, b = delegate_a.user, delegate_b.user
    return {
        "published_b": entry(version, org_b, b, "Postal zeppelin networks reach everyone."),
        "draft_a": entry(version, org_a, a, "Kenya's zeppelin draft wording.", status="draft",
                         moderation="pending"),
        "draft_b": entry(version, org_b, b, "The UPU's airship draft.", status="draft",
                         moderation="pending"),
        "pending_b": entry(version, org_b, b, "The UPU's submitted blimp.", moderation="pending"),
        "rejected_b": entry(version, org_b, b, "The UPU's rejected dirigible.",
                            moderation="rejected"),
        "hidden_a": entry(version, org_a, a, "Kenya's hidden balloon.", moderation="hidden"),
        "withdrawn_b": entry(version, org_b, b, "The UPU's withdrawn glider.",
                             status="withdrawn"),
    }  # fmt: skip
