from pydyf import PDF

from wsis.reports.weasy import _page_references, fix_pydyf


def test_the_pydyf_fix_is_in_place_once_the_app_is_ready():
    assert PDF.__dict__["page_references"].fget is _page_references


def test_the_pydyf_fix_is_applied_only_to_the_releases_it_was_checked_against(monkeypatch):
    untouched = property(lambda pdf: ())
    monkeypatch.setattr(PDF, "page_references", untouched)
    for release in ["0.10.0", "0.14.0", "1.0"]:
        assert fix_pydyf(release) is False
        assert PDF.__dict__["page_references"] is untouched
    assert fix_pydyf("0.13.0") is True
    assert PDF.__dict__["page_references"].fget is _page_references
