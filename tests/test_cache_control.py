"""Pages shown to a signed-in person are kept by no cache; public pages stay cacheable."""

import pytest
from django.urls import reverse


@pytest.mark.parametrize("persona", ["delegate_a", "facilitator"])
@pytest.mark.parametrize(
    ("name", "args"),
    [("drafts:reader", ["wsis20"]), ("stakeholders:account", []), ("health", [])],
)
def test_every_page_for_a_signed_in_person_is_private_and_not_stored(
    request, version, persona, name, args
):
    response = request.getfixturevalue(persona).get(reverse(name, args=args))
    assert response.status_code == 200
    cache_control = {part.strip() for part in response["Cache-Control"].split(",")}
    assert {"private", "no-store"} <= cache_control and "public" not in cache_control


def test_a_public_page_stays_cacheable(anonymous, version):
    response = anonymous.get(reverse("drafts:reader", args=["wsis20"]))
    assert response.status_code == 200
    assert "no-store" not in response.get("Cache-Control", "")
    assert "private" not in response.get("Cache-Control", "")
