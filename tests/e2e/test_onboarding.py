"""The whole way in: request → approval → invitation mail → password → first sign-in → the draft.

The next step, the first comment, needs the commenting screens, which live on another branch.
"""

import re
from urllib.parse import urlsplit

import pytest

from tests.e2e.conftest import ARTIFACTS, screenshot
from wsis.comments.models import Entry
from wsis.stakeholders.models import AccreditationRequest, Membership

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

NEW_PASSWORD = "Community-networks-2026"


def test_an_organisation_joins_and_its_focal_point_reaches_the_draft(
    new_page, facilitator, version, mailoutbox
):
    # A civil society organisation asks to take part.
    visitor = new_page()
    visitor.goto("/stakeholders/wsis20/join/")
    visitor.fill("#id_name", "Open Networks Alliance")
    visitor.fill("#id_acronym", "ONA")
    visitor.select_option("#id_group", label="Civil society")
    visitor.fill("#id_country", "Accra, Ghana")
    visitor.fill("#id_website", "https://ona.example")
    visitor.fill("#id_contact_name", "Ama Owusu")
    visitor.fill("#id_contact_email", "ama@ona.example")
    visitor.fill("#id_justification", "We run community networks in West Africa.")
    assert not visitor.is_visible("#id_fax")  # the honeypot stays out of sight
    screenshot(visitor, "onboarding-1-request")
    visitor.click("button[type=submit]")
    visitor.wait_for_url("**/join/sent/")
    assert "your request has been received" in visitor.inner_text("h1")
    assert AccreditationRequest.objects.get().status == "pending"

    # A facilitator approves it from the list of requests.
    desk = new_page(facilitator.user)
    desk.click("text=Accreditation")
    screenshot(desk, "onboarding-2-requests")
    desk.click("text=Open Networks Alliance (ONA)")
    screenshot(desk, "onboarding-3-request-detail")
    desk.click("text=Approve and invite")
    assert "its focal point ama@ona.example has been invited" in desk.inner_text(".messages")

    # The invitation arrives by mail (the in-process test outbox).
    (mail,) = mailoutbox
    assert mail.to == ["ama@ona.example"] and "has been approved" in mail.body
    link = re.search(r"https?://\S+/stakeholders/invitation/\S+/", mail.body).group(0)

    # The focal point sets a password on the link.
    invitee = new_page()
    invitee.goto(link)
    assert "Join Open Networks Alliance" in invitee.inner_text("h1")
    invitee.fill("#id_first_name", "Ama")
    invitee.fill("#id_last_name", "Owusu")
    invitee.fill("#id_password1", "short")
    invitee.fill("#id_password2", "short")
    invitee.click("button[type=submit]")
    assert "too short" in invitee.inner_text(".onboarding-form")  # the validators speak
    assert invitee.input_value("#id_first_name") == "Ama"
    invitee.fill("#id_password1", NEW_PASSWORD)
    invitee.fill("#id_password2", NEW_PASSWORD)
    screenshot(invitee, "onboarding-4-set-password")
    invitee.click("button[type=submit]")
    invitee.wait_for_url("**/signin/**")
    assert "Your account is ready" in invitee.inner_text(".messages")

    # First sign-in, with the email address as username: they land on their home, which leads
    # to the draft.
    invitee.fill("#id_username", "ama@ona.example")
    invitee.fill("#id_password", NEW_PASSWORD)
    invitee.click("button[type=submit]")
    invitee.wait_for_url(lambda url: urlsplit(url).path == "/")
    invitee.get_by_role("link", name="Read Zero draft and comment on its paragraphs").click()
    invitee.wait_for_url("**/c/wsis20/v/Zero%20draft/")
    assert invitee.locator(".paragraph").count() == 155
    assert "Acting for: ONA" in invitee.inner_text(".site-nav")
    assert invitee.is_visible("text=People")  # they are the focal point
    invitee.screenshot(path=str(ARTIFACTS / "onboarding-5-first-sign-in.png"))  # the top only
    membership = Membership.objects.get(user__email="ama@ona.example")
    assert membership.role == "focal_point" and membership.organisation.acronym == "ONA"

    # Their first comment, on the paragraph itself, made for their new organisation.
    invitee.click("#OP44 .panel-link")
    panel = invitee.locator("#panel-OP44")
    panel.locator("details.add-comment summary").click()
    panel.locator("details.add-comment textarea[name=text]").fill("Schools need libraries too.")
    panel.locator("details.add-comment button.primary").click()
    panel.get_by_text("Saved as a draft").wait_for()
    first = Entry.objects.get(author__email="ama@ona.example")
    assert first.organisation.acronym == "ONA" and first.text == "Schools need libraries too."
    screenshot(invitee, "onboarding-5b-first-comment")

    # The link is spent: opening it again explains what happened.
    invitee.goto(link)
    assert "already been used" in invitee.inner_text("h1")
    screenshot(invitee, "onboarding-6-link-used")


def test_a_focal_point_invites_and_removes_a_delegate(new_page, focal_a, delegate_a, version):
    page = new_page(focal_a.user)
    page.goto("/c/wsis20/")
    page.click("text=People")
    page.fill("#id_email", "new.delegate@example.org")
    page.click("text=Send the invitation")
    assert "Invitation sent to new.delegate@example.org" in page.inner_text(".messages")
    assert "new.delegate@example.org" in page.inner_text("main")
    page.click("text=Remove alice")
    # Asked first, then removed, with the offer to undo it.
    page.click("main button:has-text('Remove')")
    assert "no longer belongs to Kenya" in page.inner_text(".messages")
    assert "Undo" in page.inner_text("form.undo")
    screenshot(page, "onboarding-people")
    assert not Membership.objects.filter(user=delegate_a.user).exists()
