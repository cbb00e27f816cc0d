import pytest

from tests.comments.test_rolling import japan, propose  # noqa: F401 - the fixtures, shared
from tests.conftest import group
from wsis.stakeholders.models import Organisation


@pytest.fixture
def g77(consultation, org_a):
    """The Group of 77 and China, Kenya (``org_a``) among its members."""
    organisation = Organisation.objects.create(
        name="Group of 77 and China",
        acronym="G77",
        group=group("member_state"),
        is_negotiating_group=True,
    )
    organisation.members.add(org_a)
    organisation.accredit(consultation)
    return organisation
