from django import forms
from django.utils.translation import gettext_lazy as _

from wsis.drafts.models import Paragraph
from wsis.negotiation.forms import StatusForm
from wsis.room.models import MAX_SPAN, Reading
from wsis.stakeholders.models import Organisation
from wsis.text import TypedTextField

WORDING_LIMIT = 10_000


class ParagraphField(forms.ModelChoiceField):
    def label_from_instance(self, paragraph):
        return paragraph.display_label


class PenForm(forms.Form):
    """A form of the pen: the paragraph it acts on is one of the reading's version."""

    paragraph = ParagraphField(label=_("Paragraph"), queryset=Paragraph.objects.none())

    def __init__(self, *args, reading: Reading, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["paragraph"].queryset = reading.version.paragraphs.in_document_order()


class MoveForm(PenForm):
    span = forms.TypedChoiceField(
        label=_("Show"),
        coerce=int,
        initial=1,
        choices=[(n, _("%(n)s paragraph(s)") % {"n": n}) for n in range(1, MAX_SPAN + 1)],
    )


class WordingForm(PenForm):
    text = TypedTextField(multiline=True, label=_("Working wording"), max_length=WORDING_LIMIT)
    # The wording as it was when the form was shown, to catch a co-facilitator's change.
    previous = TypedTextField(
        multiline=True, required=False, max_length=WORDING_LIMIT, widget=forms.HiddenInput
    )


class FloorForm(PenForm):
    organisation = forms.ModelChoiceField(
        label=_("Organisation"), queryset=Organisation.objects.none(), required=False
    )
    speaker = TypedTextField(
        label=_("Or someone else"),
        required=False,
        max_length=200,
        help_text=_("A name, for a speaker of no accredited organisation."),
    )

    def __init__(self, *args, reading: Reading, **kwargs):
        super().__init__(*args, reading=reading, **kwargs)
        self.fields["organisation"].queryset = Organisation.objects.filter(
            accreditations__consultation=reading.version.consultation
        ).order_by("acronym")
        self.fields["organisation"].label_from_instance = lambda o: f"{o.acronym} – {o.name}"

    def clean(self):
        data = super().clean()
        if not data.get("organisation") and not (data.get("speaker") or "").strip():
            raise forms.ValidationError(
                _("Choose the organisation that took the floor, or type a name.")
            )
        if data.get("organisation") and (data.get("speaker") or "").strip():
            raise forms.ValidationError(_("Choose an organisation or type a name, not both."))
        return data


class StatusPenForm(PenForm, StatusForm):
    """The status of the paragraph under the pen; a package is agreed on the status page."""

    package = None

    def __init__(self, *args, reading: Reading, **kwargs):
        super().__init__(
            *args, reading=reading, consultation=reading.version.consultation, **kwargs
        )
