from django import forms
from django.utils.translation import gettext_lazy as _

from wsis.comments.markup import MAX_FILE_BYTES, MarkupError, read_copy, too_large
from wsis.comments.models import Entry
from wsis.text import TypedTextField

MAX_LENGTH = 10_000


def _same_words(a: str, b: str) -> bool:
    return " ".join(a.split()) == " ".join(b.split())


class EntryForm(forms.Form):
    """One form for all four kinds, so a delegate can switch kind without retyping."""

    kind = forms.ChoiceField(label=_("Kind"), choices=Entry.Kind.choices)
    proposed_text = TypedTextField(
        multiline=True,
        label=_("Proposed wording"),
        required=False,
        max_length=MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 6}),
    )
    text = TypedTextField(
        multiline=True,
        label=_("Comment or justification"),
        required=False,
        max_length=MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    form_token = forms.UUIDField(required=False, widget=forms.HiddenInput)
    revision = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)

    def __init__(self, *args, paragraph, **kwargs):
        self.paragraph = paragraph
        super().__init__(*args, **kwargs)

    def clean(self):
        data = super().clean()
        kind, text, proposed = data.get("kind"), data.get("text", ""), data.get("proposed_text", "")
        if kind is None or self.errors:
            return data
        if kind == Entry.Kind.COMMENT:
            if not text:
                self.add_error("text", _("Please write your comment."))
            data["proposed_text"] = ""
        elif kind == Entry.Kind.DELETION:
            data["proposed_text"] = ""
        elif not proposed:
            self.add_error("proposed_text", _("Please write the wording you propose."))
        elif kind == Entry.Kind.AMENDMENT and _same_words(proposed, self.paragraph.text):
            self.add_error(
                "proposed_text",
                _(
                    "The proposed wording is identical to the paragraph: change it, or write a "
                    "comment instead."
                ),
            )
        return data


class MarkupUploadForm(forms.Form):
    """An organisation's marked-up copy of ``version``; ``cleaned_data["file"]`` is what it
    proposes (``wsis.comments.markup.Reading``)."""

    file = forms.FileField(
        label=_("Your copy of the draft (.docx or .txt)"),
        error_messages={
            "required": _("Choose the file of your copy."),
            "empty": _("Choose the file of your copy."),
        },
    )

    def __init__(self, *args, version, **kwargs):
        super().__init__(*args, **kwargs)
        self.version = version

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload is None or upload.size == 0:
            raise forms.ValidationError(_("Choose the file of your copy."))
        # Refused by its size before a byte of it is read into memory.
        if upload.size > MAX_FILE_BYTES:
            raise forms.ValidationError(too_large())
        try:
            return read_copy(self.version, upload.name, upload.read())
        except MarkupError as exc:
            raise forms.ValidationError(str(exc)) from None
