import pytest

from tests.e2e.conftest import ARTIFACTS, screenshot
from wsis.audit.models import AuditEvent
from wsis.silence.models import Break, Silence

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PAGE = "/silence/wsis20/v/Zero%20draft/"


def test_a_focal_point_breaks_silence_on_a_paragraph(new_page, version, facilitator, focal_a):
    chair = new_page(facilitator.user)
    chair.goto(PAGE)
    chair.fill("#id_deadline", "2031-06-02T18:00")
    chair.click("button:has-text('Put Zero draft under silence')")
    done = chair.locator(".message.success")
    assert done.inner_text() == "Under silence until 2 June 2031, 18:00 New York (22:00 UTC)."
    assert Silence.objects.get().deadline.isoformat() == "2031-06-02T22:00:00+00:00"
    screenshot(chair, "silence-facilitator")

    # A delegate in Geneva reads the deadline in New York's time and in Geneva's.
    focal = new_page(focal_a.user, timezone_id="Europe/Zurich")
    focal.goto(PAGE)
    deadline = focal.locator(".silence-running time.two-zones")
    focal.wait_for_function(
        "() => document.querySelector('.silence-running .other-zone').textContent"
        ".includes('Zurich')"
    )
    assert deadline.inner_text() == "2 June 2031, 18:00 New York (3 June, 00:00 Zurich)"
    focal.select_option(
        "#id_paragraph", label=focal.locator("#id_paragraph option", has_text="OP 26:").inner_text()
    )
    focal.fill("#id_reason", "The list should name persons with disabilities.")
    focal.fill("#id_proposal", "Including persons with disabilities.")
    screenshot(focal, "silence-break-form")
    focal.click("button:has-text('Break silence on this paragraph')")
    focal.get_by_text("Kenya broke silence on OP 26.").wait_for()
    broken = Break.objects.get()
    assert (broken.paragraph.label, broken.organisation.acronym) == ("26", "KEN")
    assert broken.proposal == "Including persons with disabilities."
    assert AuditEvent.objects.filter(
        action="silence.broken", organisation=broken.organisation
    ).exists()
    assert "Your delegation has broken silence on: OP 26" in focal.locator("main").inner_text()

    chair.goto(PAGE + "matrix/")
    matrix = chair.locator("table.silence-matrix")
    assert "KEN" in matrix.inner_text() and "OP 26" in matrix.inner_text()
    screenshot(chair, "silence-matrix")

    version.symbol, version.distribution, version.original_language = (
        "A/80/L.41",
        "limited",
        "English",
    )
    version.save(update_fields=["symbol", "distribution", "original_language"])
    chair.goto("/c/wsis20/")
    assert "A/80/L.41" in chair.locator(".un-header").inner_text()
    chair.locator(".draft-header").screenshot(path=str(ARTIFACTS / "silence-reader-header.png"))

    phone = new_page(focal_a.user, viewport={"width": 390, "height": 844})
    phone.goto(PAGE)
    screenshot(phone, "silence-page-phone")
    # The reader says the version is under silence, and the panel takes nothing.
    phone.goto("/c/wsis20/#OP26")
    assert "Under silence until" in phone.locator(".draft-header").inner_text()
    phone.locator(".draft-header").screenshot(path=str(ARTIFACTS / "silence-reader-phone.png"))
