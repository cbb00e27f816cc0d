import pytest
from django.test import RequestFactory

from wsis.comments.models import Entry
from wsis.room import services


@pytest.fixture
def pen_request(facilitator):
    """A request by the facilitator, for calling services directly."""
    request = RequestFactory().post("/")
    request.user = facilitator.user
    return request


@pytest.fixture
def reading(version, pen_request):
    return services.open_reading(version, request=pen_request)


@pytest.fixture
def published(version, facilitator):
    """``published(organisation, label="26")``: a published amendment, a bracket in the room."""

    def make(organisation, label="26", **fields):
        paragraph = version.paragraphs.get(label=label)
        return Entry.objects.create(
            version=version,
            paragraph=paragraph,
            organisation=organisation,
            author=facilitator.user,
            kind=Entry.Kind.AMENDMENT,
            proposed_text=paragraph.text.replace(" the ", " the meaningful ", 1),
            status=Entry.Status.SUBMITTED,
            moderation=Entry.Moderation.PUBLISHED,
            **fields,
        )

    return make
