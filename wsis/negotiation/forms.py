import re

from django import forms
from django.db.models.functions import Upper
from django.utils.translation import gettext_lazy as _

from wsis.negotiation.models import ParagraphStatus
from wsis.stakeholders.models import Organisation
from wsis.text import TypedTextField


def status_initial(row: ParagraphStatus | None) -> dict:
    """A status form's initial values from a paragraph's status row (None: open)."""
    if row is None:
        return {"status": ParagraphStatus.Status.OPEN}
    return {
        "status": row.status,
        "waiting_for": ", ".join(o.acronym for o in row.waiting_for.all()),
        "package": row.package,
    }


class StatusForm(forms.Form):
    """A paragraph's status, as a facilitator sets it on the paragraph's page."""

    status = forms.ChoiceField(label=_("Status"), choices=ParagraphStatus.Status)
    # Typed as acronyms ("KEN, UPU"), as delegates name each other: a list of 200 names is no
    # easier to pick from.
    waiting_for = TypedTextField(
        label=_("Pending: the delegations it waits for"),
        required=False,
        max_length=500,
        help_text=_("Acronyms, separated by commas or spaces (only for a pending paragraph)."),
    )
    package = TypedTextField(
        label=_("Agreed as the package"),
        required=False,
        max_length=100,
        help_text=_("Paragraphs agreed together share the package's name."),
    )
    note = TypedTextField(
        multiline=True,
        label=_("Note"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, consultation, **kwargs):
        super().__init__(*args, **kwargs)
        self.consultation = consultation

    def clean_waiting_for(self) -> list[Organisation]:
        acronyms = [a for a in re.split(r"[\s,;]+", self.cleaned_data["waiting_for"]) if a]
        found = {
            o.acronym.upper(): o
            for o in Organisation.objects.annotate(upper=Upper("acronym")).filter(
                accreditations__consultation=self.consultation,
                upper__in=[a.upper() for a in acronyms],
            )
        }
        unknown = [a for a in acronyms if a.upper() not in found]
        if unknown:
            raise forms.ValidationError(
                _("No accredited delegation has the acronym %(acronyms)s.")
                % {"acronyms": ", ".join(unknown)}
            )
        return [found[a.upper()] for a in acronyms]

    def clean(self):
        data = super().clean()
        pending = data.get("status") == ParagraphStatus.Status.PENDING
        if pending and "waiting_for" in data and not data["waiting_for"]:
            self.add_error("waiting_for", _("Name the delegations a pending paragraph waits for."))
        return data


class BulkStatusForm(StatusForm):
    """The same for the paragraphs ticked on the version's status page; an empty package
    leaves each paragraph's package as it is."""

    paragraphs = forms.ModelMultipleChoiceField(
        label=_("Paragraphs"),
        queryset=None,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Tick the paragraphs to set.")},
    )

    def __init__(self, *args, version, **kwargs):
        super().__init__(*args, consultation=version.consultation, **kwargs)
        self.fields["paragraphs"].queryset = version.paragraphs.all()


class SnapshotForm(forms.Form):
    label = TypedTextField(
        label=_("Name of the snapshot"),
        max_length=100,
        help_text=_("For example “After the first reading”."),
    )
