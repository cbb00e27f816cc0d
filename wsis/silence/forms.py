from datetime import timedelta

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from wsis.drafts.models import Version
from wsis.silence.services import FRONT_PAGE_FIELDS

MAX_LENGTH = 5000
USUAL_HOURS = 72  # the usual length of a silence procedure


class DeadlineForm(forms.Form):
    """A deadline typed in the consultation's time zone; ``cleaned_data["deadline"]`` is aware."""

    deadline = forms.DateTimeField(
        label=_("Deadline"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )

    def __init__(self, *args, consultation, extends=None, **kwargs):
        """``extends``: the running silence, whose deadline the form proposes a day later."""
        super().__init__(*args, **kwargs)
        self.consultation = consultation
        self.fields["deadline"].help_text = _("In the consultation's time zone, %(zone)s.") % {
            "zone": consultation.time_zone
        }
        if not self.is_bound:
            start, hours = (extends.deadline, 24) if extends else (timezone.now(), USUAL_HOURS)
            later = timezone.localtime(start, consultation.tz)
            later = later.replace(minute=0, second=0, microsecond=0)
            self.initial["deadline"] = later + timedelta(hours=hours)

    def clean_deadline(self):
        # The field read the time in the server's zone: it was typed in the consultation's.
        typed = timezone.make_naive(self.cleaned_data["deadline"])
        return timezone.make_aware(typed, self.consultation.tz)


class BreakForm(forms.Form):
    paragraph = forms.ModelChoiceField(
        label=_("Paragraph"), queryset=None, empty_label=_("Choose a paragraph")
    )
    reason = forms.CharField(
        label=_("Reason"),
        max_length=MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Why your delegation cannot join consensus on this paragraph."),
    )
    proposal = forms.CharField(
        label=_("Proposed wording (optional)"),
        max_length=MAX_LENGTH,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("The paragraph as your delegation could accept it."),
    )

    def __init__(self, *args, version, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["paragraph"]
        field.queryset = version.paragraphs.in_document_order()
        field.label_from_instance = lambda p: f"{p.display_label}: {p.text[:70]}…"


class FrontPageForm(forms.ModelForm):
    class Meta:
        model = Version
        fields = FRONT_PAGE_FIELDS
        widgets = {"document_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")}
        help_texts = {
            "symbol": _("As the document will be issued, e.g. A/80/L.41."),
            "original_language": _("The language it was written in, e.g. English."),
        }

    def clean_symbol(self):
        symbol = "".join(self.cleaned_data["symbol"].split())
        if any(not char.isprintable() for char in symbol):
            raise forms.ValidationError(_("A document symbol is printable text, e.g. A/80/L.41."))
        return symbol

    def clean_original_language(self):
        return " ".join(self.cleaned_data["original_language"].split())
