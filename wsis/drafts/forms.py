"""What a facilitator posts while bringing in a new version: the file, the alignment, the
outcomes. Each form refuses bad input field by field, before anything is written."""

import re

from django import forms
from django.utils.translation import gettext_lazy as _

from wsis.comments.models import RATIONALE_LIMIT, Entry
from wsis.drafts.akn import read_draft
from wsis.drafts.importer import DraftFormatError
from wsis.drafts.models import LABEL_ERROR, normal_version_label
from wsis.text import TypedTextField

# Uploads larger than this are not drafts (the zero draft is about 60 kB).
MAX_UPLOAD_BYTES = 2 * 1024 * 1024
LABEL_SEPARATORS = re.compile(r"[,;]+")


class VersionLabelForm(forms.Form):
    """The label of a new version, composed from the decisions or uploaded."""

    label = forms.CharField(required=False, strip=False)

    def clean_label(self):
        label = normal_version_label(self.cleaned_data["label"])
        if label is None:
            raise forms.ValidationError(LABEL_ERROR)
        return label


class VersionUploadForm(VersionLabelForm):
    """The label and the text file of a new version; ``cleaned_data["file"]`` is the parsed
    draft."""

    file = forms.FileField(
        required=False, error_messages={"empty": _("Choose the text file of the new version.")}
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload is None or upload.size == 0:
            raise forms.ValidationError(_("Choose the text file of the new version."))
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(_("The file is too large for a draft (more than 2 MB)."))
        try:
            return read_draft(upload.read())
        except DraftFormatError as exc:
            if exc.line:
                message = _("Nothing was imported: line %(line)d of the file: %(reason)s.")
                raise forms.ValidationError(
                    message % {"line": exc.line, "reason": exc.reason}
                ) from None
            message = _("Nothing was imported: %(reason)s.")
            raise forms.ValidationError(message % {"reason": exc.reason}) from None


def _label_key(text: str) -> str:
    key = text.upper().replace(" ", "").replace(".", "")
    return key[2:] if key[:2] in ("OP", "PP") and len(key) > 2 else key


class AlignmentForm(forms.Form):
    """For each paragraph of the new version, the labels of the previous version's paragraphs
    it follows (``from-<pk>``, comma-separated); ``cleaned_data["edges"]`` holds them as
    (old index, new index) pairs."""

    def __init__(self, data, *, previous, old, new):
        super().__init__(data)
        self.previous, self.old, self.new = previous, old, new
        for paragraph in new:
            self.fields[f"from-{paragraph.pk}"] = forms.CharField(required=False)

    def clean(self):
        data = super().clean()
        old_by_label = {p.label.upper(): i for i, p in enumerate(self.old)}
        edges = set()
        for j, paragraph in enumerate(self.new):
            field = f"from-{paragraph.pk}"
            for part in LABEL_SEPARATORS.split(data.get(field, "")):
                if not part.strip():
                    continue
                i = old_by_label.get(_label_key(part))
                if i is None:
                    message = _("%(previous)s has no paragraph “%(label)s”.")
                    self.add_error(
                        field, message % {"previous": self.previous.label, "label": part.strip()}
                    )
                    continue
                edges.add((i, j))
        data["edges"] = edges
        return data


class OutcomeForm(forms.Form):
    """The outcome of one suggested proposal, posted as ``decision-<pk>`` and
    ``rationale-<pk>`` (the form's prefix is the entry's key)."""

    decision = forms.ChoiceField(
        choices=Entry.Decision,
        error_messages={
            "required": _("Choose one of the listed outcomes."),
            "invalid_choice": _("Choose one of the listed outcomes."),
        },
    )
    rationale = TypedTextField(
        multiline=True,
        required=False,
        max_length=RATIONALE_LIMIT,
        error_messages={"max_length": _("Keep the rationale under %(limit_value)d characters.")},
    )

    # No rationale is required: an outcome confirmed without one is recorded with the
    # suggestion's evidence (for the facilitators), and the organisation reads no rationale
    # rather than the platform's words presented as a person's.

    def add_prefix(self, field_name):
        return f"{field_name}-{self.prefix}"


# A paragraph's wording: the longest in the WSIS+20 drafts is about 1,500 characters.
PARAGRAPH_LIMIT = 10000


class ParagraphEditForm(forms.Form):
    """A facilitator's wording for a paragraph of a version in preparation, and which of the
    entries it took in it still takes in (``keep``, their ids)."""

    text = TypedTextField(
        multiline=True,
        max_length=PARAGRAPH_LIMIT,
        error_messages={"required": _("A paragraph needs its text.")},
    )
    keep = forms.TypedMultipleChoiceField(coerce=int, required=False)

    def __init__(self, *args, entries=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["keep"].choices = [(entry.pk, entry.pk) for entry in entries]
