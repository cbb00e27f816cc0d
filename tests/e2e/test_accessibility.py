"""No axe-core violations (WCAG 2.2 A and AA) on the main pages, at desktop and phone widths."""

import pytest
from django.test import RequestFactory
from django.utils import timezone

from tests.conftest import accreditation_request
from tests.e2e.axe import assert_accessible, axe_violations
from tests.e2e.conftest import screenshot
from wsis import errors
from wsis.comments.models import Entry
from wsis.moderation import services as moderation
from wsis.reports.models import ReportJob
from wsis.room import services as room
from wsis.stakeholders import services as people
from wsis.stakeholders.models import Invitation

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}


@pytest.mark.parametrize("viewport", [None, PHONE], ids=["desktop", "phone"])
def test_the_reader_is_accessible(new_page, version, viewport):
    page = new_page(bypass_csp=True, **({"viewport": viewport} if viewport else {}))
    page.goto("/c/wsis20/")
    assert_accessible(page)


def test_the_sign_in_page_is_accessible(new_page, db):
    page = new_page(bypass_csp=True)
    page.goto("/signin/")
    assert_accessible(page)


def test_the_reader_is_accessible_signed_in(new_page, delegate_a, version):
    page = new_page(delegate_a.user, bypass_csp=True)
    page.goto("/c/wsis20/")
    assert_accessible(page)


def test_the_sign_in_form_works_with_the_keyboard_alone(new_page, delegate_a, version):
    page = new_page()
    page.goto("/c/wsis20/")
    page.keyboard.press("Tab")  # the skip link comes first, and shows when focused
    assert page.evaluate("document.activeElement.className") == "skip-link"
    assert page.locator(".skip-link").bounding_box()["x"] >= 0
    page.goto("/signin/?next=/c/wsis20/")
    assert page.evaluate("document.activeElement.id") == "id_username"  # autofocus
    page.keyboard.type("alice")
    page.keyboard.press("Tab")
    page.keyboard.type("correct horse battery")
    page.keyboard.press("Enter")
    page.wait_for_url("**/c/wsis20/")
    assert "alice" in page.locator(".site-nav").inner_text()


def test_an_open_paragraph_panel_is_accessible(new_page, delegate_a, version):
    page = new_page(delegate_a.user, bypass_csp=True)
    page.goto("/c/wsis20/")
    page.click("#OP26 .panel-link")  # swapped in by htmx
    page.locator("#panel-OP26 details.add-amendment").wait_for()
    assert_accessible(page)


MAIN_PAGES = [
    ("focal_a", "/c/wsis20/our-entries/"),
    ("focal_a", "/c/wsis20/our-submission/"),
    ("focal_a", "/stakeholders/people/"),
    ("focal_a", "/stakeholders/account/"),
    ("facilitator", "/moderation/wsis20/"),
    ("facilitator", "/moderation/wsis20/overview/"),
    ("facilitator", "/moderation/wsis20/round/"),
    ("facilitator", "/moderation/wsis20/p/OP26/"),
    ("facilitator", "/reports/wsis20/v/Zero%20draft/"),
    ("facilitator", "/stakeholders/wsis20/requests/"),
    ("facilitator", "/c/wsis20/revisions/new/"),
    ("anonymous", "/c/wsis20/compare/"),
    ("anonymous", "/stakeholders/wsis20/join/"),
    ("anonymous", "/"),
    ("anonymous", "/password/reset/"),
    ("anonymous", "/c/wsis20/v/Zero%20draft/rolling/"),
    ("focal_a", "/password/change/"),
    ("focal_a", "/c/wsis20/our-copy/"),
    ("focal_a", "/c/wsis20/submit-all/"),
    ("focal_a", "/c/wsis20/ledger/KEN/"),
    ("facilitator", "/negotiation/wsis20/statuses/"),
    ("facilitator", "/c/wsis20/v/Zero%20draft/readings/"),
    ("facilitator", "/silence/wsis20/v/Zero%20draft/"),
    ("facilitator", "/silence/wsis20/v/Zero%20draft/front-page/"),
    ("facilitator", "/stakeholders/wsis20/organisations/"),
    ("facilitator", "/stakeholders/wsis20/facilitators/"),
    ("facilitator", "/stakeholders/wsis20/register/"),
    ("facilitator", "/reports/"),
]


@pytest.mark.parametrize(("persona", "path"), MAIN_PAGES)
def test_every_main_page_is_accessible(request, new_page, version, persona, path):
    user = request.getfixturevalue(persona).user
    page = new_page(user, bypass_csp=True)
    assert page.goto(path).status == 200  # the page itself, not an error page in its place
    assert_accessible(page)


VIEWPORTS = pytest.mark.parametrize("viewport", [None, PHONE], ids=["desktop", "phone"])


def open_as(new_page, persona, viewport):
    return new_page(
        getattr(persona, "user", None),
        bypass_csp=True,
        **({"viewport": viewport} if viewport else {}),
    )


def width(viewport) -> str:
    return "phone" if viewport else "desktop"


@pytest.fixture
def published(version, org_a, focal_a, facilitator):
    """An amendment of Kenya's, submitted then published: a history of two steps on its page,
    and a notification for its focal point."""
    paragraph = version.paragraphs.get(label="26")
    entry = Entry.objects.create(
        version=version, paragraph=paragraph, organisation=org_a, author=focal_a.user,
        kind=Entry.Kind.AMENDMENT, text="Name the groups.", status=Entry.Status.SUBMITTED,
        proposed_text=paragraph.text.replace("other groups", "women, youth and other groups"),
        submitted_at=timezone.now(),
    )  # fmt: skip
    request = RequestFactory().post("/")
    request.user = facilitator.user
    moderation.moderate([entry], "publish", request=request)
    return entry


@VIEWPORTS
def test_the_notifications_list_is_accessible(new_page, focal_a, published, viewport):
    page = open_as(new_page, focal_a, viewport)
    page.goto("/notifications/")
    assert page.locator("li.notification").count() == 1
    assert_accessible(page)
    screenshot(page, f"notifications-{width(viewport)}")


@VIEWPORTS
def test_an_entrys_history_is_accessible(new_page, focal_a, published, viewport):
    page = open_as(new_page, focal_a, viewport)
    page.goto(f"/entries/{published.pk}/")
    page.locator(".entry-history li").first.wait_for()
    assert_accessible(page)
    screenshot(page, f"entry-history-{width(viewport)}")


@VIEWPORTS
def test_removing_a_person_and_its_undo_are_accessible(new_page, focal_a, delegate_a, viewport):
    page = open_as(new_page, focal_a, viewport)
    page.goto(f"/stakeholders/people/{delegate_a.user.memberships.get().pk}/remove/")
    assert_accessible(page)
    screenshot(page, f"people-remove-{width(viewport)}")
    page.get_by_role("button", name="Remove").click()
    undo = page.get_by_role("button", name="Undo")
    undo.wait_for()
    assert_accessible(page)
    screenshot(page, f"people-undo-{width(viewport)}")
    undo.click()
    page.wait_for_load_state()
    assert page.get_by_role("button", name="Undo").count() == 0
    assert_accessible(page)


@VIEWPORTS
def test_a_bad_request_page_is_accessible(new_page, anonymous, version, viewport):
    page = open_as(new_page, anonymous, viewport)
    page.goto("/signin/")
    # More fields than Django reads (DATA_UPLOAD_MAX_NUMBER_FIELDS): answered 400.
    with page.expect_navigation() as sent:
        page.evaluate(
            """() => {
              const form = document.querySelector("main form");
              for (let i = 0; i < 1100; i++) {
                const field = document.createElement("input");
                Object.assign(field, {type: "hidden", name: `f${i}`, value: "1"});
                form.append(field);
              }
              form.submit();
            }"""
        )
    assert sent.value.status == 400
    assert page.get_by_role("heading", level=1).is_visible()
    assert_accessible(page)
    screenshot(page, f"error-400-{width(viewport)}")


@VIEWPORTS
def test_a_refusal_page_is_accessible(new_page, delegate_a, version, viewport):
    page = open_as(new_page, delegate_a, viewport)
    assert page.goto("/stakeholders/people/").status == 403
    assert_accessible(page)
    screenshot(page, f"error-403-{width(viewport)}")


@VIEWPORTS
def test_a_form_refused_by_its_csrf_check_is_accessible(new_page, anonymous, version, viewport):
    page = open_as(new_page, anonymous, viewport)
    page.goto("/signin/")
    page.context.clear_cookies()  # as when the browser keeps none of the site's
    page.fill("#id_username", "alice")
    page.fill("#id_password", "wrong")
    with page.expect_navigation() as sent:
        page.locator("main form button[type=submit]").click()
    assert sent.value.status == 403
    assert page.get_by_role("heading", level=1).inner_text() == "The form could not be sent"
    assert_accessible(page)
    screenshot(page, f"error-403-csrf-{width(viewport)}")


@VIEWPORTS
def test_a_missing_page_is_accessible(new_page, delegate_a, version, viewport):
    page = open_as(new_page, delegate_a, viewport)
    assert page.goto("/c/no-such-consultation/").status == 404
    assert_accessible(page)
    screenshot(page, f"error-404-{width(viewport)}")


@VIEWPORTS
def test_the_server_error_page_is_accessible(new_page, db, viewport):
    # No view fails on purpose: the browser is handed the page Django's handler renders, and
    # fetches its style sheet from the live server.
    html = errors.server_error(RequestFactory().get("/c/wsis20/")).content
    page = open_as(new_page, None, viewport)
    page.route(
        "**/failing/", lambda route: route.fulfill(status=500, body=html, content_type="text/html")
    )
    assert page.goto("/failing/").status == 500
    assert page.get_by_role("heading", level=1).inner_text() == "Something went wrong on our side"
    assert_accessible(page)
    screenshot(page, f"error-500-{width(viewport)}")


TOKEN = "an-invitation-token-for-the-accessibility-test"


@pytest.fixture
def pages_with_state(consultation, version, org_a, focal_a, facilitator, published):
    """The pages that exist once something happened: a reading open in the room, an
    accreditation request, a report job, an invitation, an entry in the queue."""
    request = RequestFactory().post("/")
    request.user = facilitator.user
    reading = room.open_reading(version, request=request)
    asked = accreditation_request(consultation)
    job = ReportJob.objects.create(
        requested_by=facilitator.user, version=version, kind=ReportJob.Kind.COMPILATION
    )
    people.invite(
        email="newcomer@example.org", role=Invitation.Role.DELEGATE, invited_by=focal_a.user,
        base_url="http://testserver", organisation=org_a, token=TOKEN,
    )  # fmt: skip
    room_url = f"/c/wsis20/v/Zero%20draft/readings/{reading.number}/"
    return {
        "moderation entry": (facilitator, f"/moderation/wsis20/entries/{published.pk}/"),
        "accreditation request": (facilitator, f"/stakeholders/wsis20/requests/{asked.pk}/"),
        "report job": (facilitator, f"/reports/job/{job.pk}/"),
        "room": (facilitator, room_url),
        "room projected": (facilitator, room_url + "?view=projection"),
        "room plain": (focal_a, room_url + "?view=plain"),
        "room log": (facilitator, room_url + "log/"),
        "panel as a page": (focal_a, f"/entries/p/{published.paragraph_id}/"),
        "invitation": (None, f"/stakeholders/invitation/{TOKEN}/"),
    }


@pytest.mark.parametrize(
    "name",
    [
        "moderation entry", "accreditation request", "report job", "room", "room projected",
        "room plain", "room log", "panel as a page", "invitation",
    ],
)  # fmt: skip
def test_pages_with_state_are_accessible(new_page, pages_with_state, name):
    persona, path = pages_with_state[name]
    page = new_page(getattr(persona, "user", None), bypass_csp=True)
    assert page.goto(path).status == 200  # the page itself, not an error page in its place
    if name == "room plain":
        # Reloading itself is what this page is for, on a slow link without JavaScript; the
        # room offers it by a link that says so ("reloads every 10 s") and follows without
        # reloading otherwise: the reader chose the reload (WCAG 2.2.1). Nothing else fails.
        assert [violation["id"] for violation in axe_violations(page)] == ["meta-refresh"]
    else:
        assert_accessible(page)
