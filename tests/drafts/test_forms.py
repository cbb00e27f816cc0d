"""The forms of a new version's upload and outcomes say what is wrong, field by field."""

from wsis.comments.models import Entry
from wsis.drafts.forms import OutcomeForm, VersionUploadForm


def test_the_upload_form_names_each_wrong_field():
    form = VersionUploadForm({"label": "Rev/1"}, {})
    assert not form.is_valid()
    assert "without “/”" in form.errors["label"][0]
    assert form.errors["file"] == ["Choose the text file of the new version."]


def test_an_outcome_is_read_under_the_entry_s_key_and_may_have_no_rationale():
    # Without one, the organisation reads no rationale (the platform's evidence is not sent).
    data = {"decision-7": Entry.Decision.INCORPORATED, "rationale-7": "  "}
    form = OutcomeForm(data, prefix="7")
    assert form.is_valid() and form.cleaned_data["rationale"] == ""
    data["rationale-7"] = " Taken in OP 12. "
    form = OutcomeForm(data, prefix="7")
    assert form.is_valid() and form.cleaned_data["rationale"] == "Taken in OP 12."
