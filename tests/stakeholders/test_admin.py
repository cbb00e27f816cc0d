import pytest
from django.urls import reverse

from tests.conftest import make_user, signed_in


@pytest.mark.parametrize("name", ["accreditationrequest", "invitation"])
def test_the_admin_shows_but_does_not_edit(db, accreditation, invitation, name):
    root = signed_in(make_user("root", is_staff=True, is_superuser=True))
    response = root.get(reverse(f"admin:stakeholders_{name}_changelist"), {"q": "example"})
    assert response.status_code == 200
    assert root.get(reverse(f"admin:stakeholders_{name}_add")).status_code == 403
    pk = accreditation.pk if name == "accreditationrequest" else invitation.pk
    html = root.get(reverse(f"admin:stakeholders_{name}_change", args=[pk])).content
    assert b"token_hash" not in html
