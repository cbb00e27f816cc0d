from django import forms
from django.utils.translation import gettext_lazy as _

from wsis.reports.compilation import Options
from wsis.reports.models import ReportJob
from wsis.stakeholders.models import Organisation, StakeholderGroup

FORMATS_OF = {
    ReportJob.Kind.COMPILATION: {"pdf", "docx"},
    ReportJob.Kind.SUBMISSION: {"pdf", "docx"},
    ReportJob.Kind.ENTRIES: {"csv"},
    ReportJob.Kind.COMPARISON: {"pdf", "docx"},
}


class ReportForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Report"),
        choices=[
            (ReportJob.Kind.COMPILATION, _("Consolidated compilation")),
            (ReportJob.Kind.SUBMISSION, _("One organisation's submission")),
            (ReportJob.Kind.ENTRIES, _("All entries (spreadsheet)")),
            (ReportJob.Kind.COMPARISON, _("Comparison with an earlier version")),
        ],
    )
    format = forms.ChoiceField(label=_("Format"), choices=ReportJob.Format.choices)
    organisation = forms.ModelChoiceField(
        label=_("Organisation"),
        queryset=Organisation.objects.select_related("group").order_by("name"),
        required=False,
        help_text=_("For an organisation's submission."),
    )
    with_pending = forms.BooleanField(
        label=_("Include entries pending moderation"),
        required=False,
        help_text=_(
            "Each is marked “pending moderation”. Rejected and hidden entries never appear."
        ),
    )
    groups = forms.MultipleChoiceField(
        label=_("Stakeholder groups"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("None ticked: all groups."),
    )
    first_section = forms.TypedChoiceField(
        label=_("From section"), coerce=int, required=False, empty_value=None
    )
    last_section = forms.TypedChoiceField(
        label=_("To section"), coerce=int, required=False, empty_value=None
    )
    with_decisions = forms.BooleanField(label=_("With decisions"), required=False, initial=True)
    compare_with = forms.ChoiceField(
        label=_("Compared with"),
        required=False,
        help_text=_("For a comparison: the earlier version."),
    )

    def __init__(self, *args, version, scope, **kwargs):
        super().__init__(*args, **kwargs)
        self.scope = scope
        self.fields["groups"].choices = [
            (group.code, group.name) for group in StakeholderGroup.objects.order_by("order")
        ]
        sections = [(s.order, s.heading) for s in version.sections.order_by("order")]
        self.fields["first_section"].choices = [("", _("the first"))] + sections
        self.fields["last_section"].choices = [("", _("the last"))] + sections
        earlier = version.consultation.versions.published().filter(order__lt=version.order)
        self.fields["compare_with"].choices = [("", _("the version it follows"))] + [
            (v.label, v.label) for v in earlier.order_by("-order")
        ]
        self.version = version
        if scope is not None:
            # A focal point compiles only their own organisation's submission.
            self.fields["kind"].choices = [(ReportJob.Kind.SUBMISSION, _("Our submission"))]
            self.fields["format"].choices = [("pdf", "PDF"), ("docx", "DOCX")]
            for name in ("organisation", "groups", "first_section", "last_section", "compare_with"):
                del self.fields[name]

    def clean(self):
        data = super().clean()
        kind, fmt = data.get("kind"), data.get("format")
        if kind and fmt and fmt not in FORMATS_OF[kind]:
            self.add_error(
                "format",
                _("This report comes as %(formats)s.")
                % {"formats": " or ".join(sorted(f.upper() for f in FORMATS_OF[kind]))},
            )
        if self.scope is not None:
            data["organisation"] = self.scope
        elif kind == ReportJob.Kind.SUBMISSION and not data.get("organisation"):
            self.add_error("organisation", _("Choose the organisation whose submission you want."))
        elif kind != ReportJob.Kind.SUBMISSION:
            data["organisation"] = None
        if kind == ReportJob.Kind.COMPARISON and not data.get("compare_with"):
            previous = self.version.previous()
            if previous is None:
                self.add_error(
                    "kind", _("This version follows no other: there is nothing to compare.")
                )
            else:
                data["compare_with"] = previous.label
        first, last = data.get("first_section"), data.get("last_section")
        if first is not None and last is not None and first > last:
            self.add_error("last_section", _("The last section comes before the first."))
        return data

    def options(self) -> Options:
        data = self.cleaned_data
        return Options(
            with_pending=data.get("with_pending", False),
            groups=tuple(sorted(data.get("groups") or ())),
            first_section=data.get("first_section"),
            last_section=data.get("last_section"),
            with_decisions=data.get("with_decisions", False),
            compare_with=data.get("compare_with") or None,
        )
