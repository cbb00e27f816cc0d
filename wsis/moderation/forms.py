from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from wsis.comments.models import RATIONALE_LIMIT, Entry
from wsis.drafts.models import CommentRound, Consultation, DeadlineExtension, Version
from wsis.moderation.models import MailPreference
from wsis.stakeholders.models import Organisation
from wsis.text import TypedTextField

MODERATION_CHOICES = [
    ("publish", _("Publish")),
    ("reject", _("Reject with reason")),
    ("hide", _("Hide")),
]


class ModerateForm(forms.Form):
    action = forms.ChoiceField(label=_("Moderation"), choices=MODERATION_CHOICES)
    reason = TypedTextField(
        multiline=True,
        label=_("Reason (the organisation reads it)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def clean(self):
        data = super().clean()
        if data.get("action") == "reject" and not (data.get("reason") or "").strip():
            self.add_error("reason", _("Give the reason for rejecting: the organisation reads it."))
        return data


class DecideForm(forms.Form):
    decision = forms.ChoiceField(label=_("Decision"), choices=Entry.Decision)
    rationale = TypedTextField(
        multiline=True,
        label=_("Rationale"),
        required=False,
        max_length=RATIONALE_LIMIT,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def clean(self):
        data = super().clean()
        decision = data.get("decision")
        if decision and decision != Entry.Decision.OPEN and not data.get("rationale", "").strip():
            self.add_error("rationale", _("Give the rationale for the decision."))
        return data


class DuplicateForm(forms.Form):
    duplicate_of = forms.IntegerField(
        label=_("Duplicate of entry #"),
        required=False,
        min_value=1,
        help_text=_("Leave empty to clear."),
    )

    def __init__(self, *args, entry: Entry, **kwargs):
        super().__init__(*args, **kwargs)
        self.entry = entry

    def clean_duplicate_of(self):
        pk = self.cleaned_data.get("duplicate_of")
        if pk is None:
            return None
        original = Entry.objects.filter(
            pk=pk, version=self.entry.version, status=Entry.Status.SUBMITTED
        ).first()
        if original is None:
            message = _("No submitted entry #%(pk)s on this version.")
            raise forms.ValidationError(message % {"pk": pk})
        if original.pk == self.entry.pk:
            raise forms.ValidationError(_("An entry cannot duplicate itself."))
        if original.duplicate_of_id == self.entry.pk:
            raise forms.ValidationError(
                _("#%(pk)s is already marked as a duplicate of this one.") % {"pk": pk}
            )
        return original


BULK_CHOICES = [*MODERATION_CHOICES, ("decide", _("Decide"))]


class BulkForm(forms.Form):
    entries = forms.ModelMultipleChoiceField(
        queryset=Entry.objects.none(),
        error_messages={"required": _("Tick at least one entry.")},
    )
    action = forms.ChoiceField(label=_("Action"), choices=BULK_CHOICES)
    reason = TypedTextField(label=_("Reason"), required=False, max_length=2000)
    decision = forms.ChoiceField(label=_("Decision"), choices=Entry.Decision, required=False)
    rationale = TypedTextField(label=_("Rationale"), required=False, max_length=RATIONALE_LIMIT)

    def __init__(self, *args, entries, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["entries"].queryset = entries

    def clean(self):
        data = super().clean()
        action = data.get("action")
        if action == "reject" and not data.get("reason", "").strip():
            self.add_error("reason", _("Give the reason for rejecting: the organisations read it."))
        if action == "decide":
            decision = data.get("decision")
            if not decision:
                self.add_error("decision", _("Choose a decision."))
            elif decision != Entry.Decision.OPEN and not data.get("rationale", "").strip():
                self.add_error("rationale", _("Give the rationale for the decision."))
        return data


class LocalDateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%dT%H:%M", **kwargs)


class RoundForm(forms.ModelForm):
    """Times are typed in the consultation's time zone (the view activates it)."""

    class Meta:
        model = CommentRound
        fields = ["opens_at", "closes_at"]
        widgets = {"opens_at": LocalDateTimeInput(), "closes_at": LocalDateTimeInput()}

    def clean(self):
        data = super().clean()
        opens, closes = data.get("opens_at"), data.get("closes_at")
        if opens and closes and closes <= opens:
            self.add_error("closes_at", _("The round must close after it opens."))
        return data


class ExtensionForm(forms.ModelForm):
    class Meta:
        model = DeadlineExtension
        fields = ["organisation", "closes_at"]
        widgets = {"closes_at": LocalDateTimeInput()}
        labels = {"closes_at": _("New deadline for this organisation")}

    def __init__(self, *args, round: CommentRound, **kwargs):
        super().__init__(*args, **kwargs)
        self.round = round
        self.fields["organisation"].queryset = Organisation.objects.select_related(
            "group"
        ).order_by("group__order", "name")

    def clean_closes_at(self):
        closes = self.cleaned_data["closes_at"]
        if closes <= self.round.closes_at:
            raise forms.ValidationError(_("An extension must end after the round closes."))
        if closes <= timezone.now():
            raise forms.ValidationError(_("An extension must end in the future."))
        return closes


class SettingsForm(forms.ModelForm):
    class Meta:
        model = Consultation
        fields = ["publish_immediately"]


class TokenForm(forms.Form):
    token = forms.CharField(
        label=_("Six-digit code from your authenticator app"),
        max_length=8,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}
        ),
    )


class DecisionsImportForm(forms.Form):
    """The compilation CSV of a version, its decisions filled in by the secretariat."""

    # Generous for a spreadsheet of decisions (the export of 5,000 entries is a few MB).
    MAX_BYTES = 20 * 1024 * 1024

    version = forms.ModelChoiceField(queryset=None, to_field_name="label", widget=forms.HiddenInput)
    # Rendered by templates/moderation/decisions_import_form.html.
    file = forms.FileField(label=_("Compilation CSV with your decisions"))

    def __init__(self, *args, consultation: Consultation, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["version"].queryset = consultation.versions.exclude(
            status=Version.Status.PREPARING
        )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > self.MAX_BYTES:
            raise forms.ValidationError(
                _("The file is larger than %(mb)d MB.") % {"mb": self.MAX_BYTES // 2**20}
            )
        return upload


class MailModeForm(forms.Form):
    mode = forms.ChoiceField(
        choices=MailPreference.Mode,
        error_messages={
            "required": _("Choose how your notifications are mailed."),
            "invalid_choice": _("Choose how your notifications are mailed."),
        },
    )
