from django import forms
from django.contrib.auth import get_user_model, password_validation
from django.contrib.auth.forms import AuthenticationForm
from django.core.validators import MaxLengthValidator
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from wsis.stakeholders.models import AccreditationRequest, StakeholderGroup, duplicate_of
from wsis.text import TypedTextField, typed_text_formfield

# Member States, observers and UN entities are registered by the secretariat (bulk CSV).
SELF_ACCREDITED_GROUPS = ("private_sector", "civil_society", "technical", "academic")


class SignInForm(AuthenticationForm):
    """Django's sign-in form sets the username's maximum length on the field after it was
    made, so only the browser enforces it; a longer name reached django-axes, whose record of
    failed attempts holds 255 characters, and the request failed with a server error."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        username = self.fields["username"]
        username.validators.append(MaxLengthValidator(username.max_length))


class AccreditationRequestForm(forms.ModelForm):
    # A field people never see (hidden by the stylesheet) and bots fill in.
    fax = forms.CharField(
        label=_("Leave this field empty"),
        required=False,
        widget=forms.TextInput(attrs={"tabindex": "-1", "autocomplete": "off"}),
    )

    class Meta:
        model = AccreditationRequest
        formfield_callback = typed_text_formfield
        fields = [
            "name", "acronym", "group", "country", "website", "contact_name", "contact_email",
            "justification",
        ]  # fmt: skip
        widgets = {"justification": forms.Textarea(attrs={"rows": 5, "maxlength": 3000})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["group"].queryset = StakeholderGroup.objects.filter(
            code__in=SELF_ACCREDITED_GROUPS
        )
        self.fields["group"].empty_label = _("Choose a group")
        self.fields["country"].help_text = _("Where the organisation has its seat.")
        self.fields["contact_name"].help_text = _(
            "The person who will be your organisation's focal point."
        )
        self.fields["contact_email"].help_text = _("The invitation to set a password goes here.")

    @property
    def is_bot(self) -> bool:
        return bool(self.data.get("fax"))

    def clean(self):
        data = super().clean()
        name, acronym, group = data.get("name"), data.get("acronym"), data.get("group")
        if name and acronym and group:
            existing = duplicate_of(name, acronym, group)
            if existing is not None:
                raise forms.ValidationError(
                    _(
                        "%(name)s (%(acronym)s) is already registered as %(group)s. Its "
                        "focal point can invite you as a delegate: ask them, or write to the "
                        "facilitators."
                    ),
                    code="duplicate",
                    params={
                        "name": existing.name,
                        "acronym": existing.acronym,
                        "group": existing.group.name,
                    },
                )
            pending = AccreditationRequest.objects.filter(
                Q(name__iexact=name.strip()) | Q(acronym__iexact=acronym.strip()),
                status=AccreditationRequest.Status.PENDING,
                consultation=self.instance.consultation,
            )
            if pending.exists():
                raise forms.ValidationError(
                    _(
                        "A request for this organisation is already waiting for the facilitators; "
                        "you will hear from them by email."
                    ),
                    code="pending",
                )
        return data


class DeclineForm(forms.Form):
    reason = TypedTextField(
        multiline=True,
        label=_("Reason, sent to the requester"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
    )


class InviteForm(forms.Form):
    email = forms.EmailField(label=_("Email address"))


class BulkRegistrationForm(forms.Form):
    file = forms.FileField(
        label=_("CSV file"),
        help_text=_(
            "Columns: name, acronym, group (member_state, observer_state or un_system), "
            "focal_point_email. UTF-8, first line with the column names."
        ),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > 1_000_000:
            raise forms.ValidationError(_("The file is larger than 1 MB; split it."))
        return upload


class SetPasswordForInvitationForm(forms.Form):
    first_name = TypedTextField(label=_("First name"), max_length=150)
    last_name = TypedTextField(label=_("Last name"), max_length=150)
    password1 = forms.CharField(
        label=_("Password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=password_validation.password_validators_help_text_html(),
    )
    password2 = forms.CharField(
        label=_("Password again"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def __init__(self, *args, email, **kwargs):
        self.email = email
        super().__init__(*args, **kwargs)

    def clean(self):
        data = super().clean()
        one, two = data.get("password1"), data.get("password2")
        if one and two and one != two:
            self.add_error("password2", _("The two passwords differ."))
        elif one:
            user = get_user_model()(
                username=self.email,
                email=self.email,
                first_name=data.get("first_name", ""),
                last_name=data.get("last_name", ""),
            )
            try:
                password_validation.validate_password(one, user)
            except forms.ValidationError as error:
                self.add_error("password1", error)
        return data


class EmailChangeForm(forms.Form):
    email = forms.EmailField(label=_("New email address"))
    password = forms.CharField(
        label=_("Your current password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )

    def __init__(self, *args, user, **kwargs):
        self.user = user
        super().__init__(*args, **kwargs)

    def clean_password(self):
        password = self.cleaned_data["password"]
        if not self.user.check_password(password):
            raise forms.ValidationError(_("This is not your current password."))
        return password
