from django import forms
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from wsis.comments.models import Entry
from wsis.drafts.models import Paragraph
from wsis.search.query import MAX_QUERY, Filters
from wsis.text import TypedTextField

# The fields that narrow a search down, as named in the address.
FILTERS = ("section", "kind", "organisation", "group")
ANY = ("", _("Any"))
CHOOSE = _("Choose one of the listed values: “%(value)s” is not one of them.")


class SearchForm(forms.Form):
    """The words and the filters, from the address (GET): a search is a link to keep or send.

    The lists are what the reader may see of the version: its sections, the organisations
    whose entries they may read, the stakeholder groups.
    """

    q = TypedTextField(
        label=_("Search for"),
        required=False,
        max_length=MAX_QUERY,
        error_messages={
            "max_length": _(
                "Search for at most %(limit_value)d characters (this has %(show_value)d): "
                "a few words or a short phrase in quotes find more."
            )
        },
        widget=forms.TextInput(attrs={"type": "search", "autocomplete": "off"}),
    )
    version = forms.ChoiceField(label=_("Version"), required=False)
    section = forms.ChoiceField(label=_("Section"), required=False)
    kind = forms.ChoiceField(label=_("Kind"), required=False)
    organisation = forms.ChoiceField(label=_("Organisation"), required=False)
    group = forms.ChoiceField(label=_("Stakeholder group"), required=False)

    def __init__(self, data, *, version, versions, sections, organisations, groups):
        if data is not None and not data.get("version"):
            # The version searched is the one shown chosen, whether or not the address names it.
            data = data.copy()
            data["version"] = version.label
        super().__init__(data, initial={"version": version.label})
        self.fields["version"].choices = [(v.label, v.label) for v in versions]
        self.sections = self._offer("section", {str(s.pk): s for s in sections}, "heading")
        self.organisations = self._offer(
            "organisation", {o.acronym: o for o in organisations}, "name"
        )
        self.groups = self._offer("group", {g.code: g for g in groups}, "name")
        self.fields["kind"].choices = [
            ANY,
            (_("Paragraphs"), [(v, capfirst(label)) for v, label in Paragraph.Kind.choices]),
            (_("Entries"), [(v, capfirst(label)) for v, label in Entry.Kind.choices]),
        ]
        for field in self.fields.values():
            if isinstance(field, forms.ChoiceField):
                field.error_messages["invalid_choice"] = CHOOSE

    def _offer(self, name: str, found: dict, shown: str) -> dict:
        """``found`` (by the value in the address) as the choices of field ``name``."""
        self.fields[name].choices = [ANY] + [(v, getattr(o, shown)) for v, o in found.items()]
        return found

    def filters(self) -> Filters:
        data = self.cleaned_data
        return Filters(
            section=self.sections.get(data["section"]),
            kind=data["kind"],
            organisation=self.organisations.get(data["organisation"]),
            group=self.groups.get(data["group"]),
        )
