import pytest
from django.test import RequestFactory

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
def published(version, org_a):
    """The UPU's published amendment to OP 26, so the room shows a bracket there."""
    from wsis.comments.models import Entry

    def make(organisation, label="26", **fields):
        paragraph = version.paragraphs.get(label=label)
        return Entry.objects.create(
            version=version,
            paragraph=paragraph,
            organisation=organisation,
            kind=Entry.Kind.AMENDMENT,
            proposed_text=paragraph.text.replace(" the ", " the meaningful ", 1),
            status=Entry.Status.SUBMITTED,
            moderation=Entry.Moderation.PUBLISHED,
            **fields,
        )

    return make
