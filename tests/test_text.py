"""Typed text: one rule (wsis/text.py) for every form field a person types into, and text that
renderers can always write."""

import importlib
import inspect
import re

import pytest
from django import forms
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st
from lxml import etree

from tests.conftest import group
from tests.reports.conftest import add_entry
from tests.stakeholders.test_accreditation_request import URL as ACCREDITATION_URL
from tests.stakeholders.test_accreditation_request import form_data
from wsis.comments.models import Entry
from wsis.stakeholders.models import AccreditationRequest, Organisation
from wsis.text import TypedTextField, clean_typed, xml_safe

FORM_MODULES = ["comments", "moderation", "reports", "stakeholders"]
# Text fields a person types that are never stored as text: checked, then thrown away.
NOT_STORED = {
    ("SignInForm", "username"),
    ("TokenForm", "token"),
    ("AccreditationRequestForm", "fax"),  # the honeypot
}
LINE_BREAKS = re.compile("[\t\n\r\x0b\x0c\x1c-\x1f\x85\u2028\u2029]")
CONTROLS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def every_form():
    for app in FORM_MODULES:
        module = importlib.import_module(f"wsis.{app}.forms")
        for name, form in inspect.getmembers(module, inspect.isclass):
            if issubclass(form, forms.BaseForm) and form.__module__ == module.__name__:
                yield name, form


def typed_fields():
    """Every field where a person types text, in every form of the project."""
    for form_name, form in every_form():
        for name, field in form.base_fields.items():
            is_text = type(field) is forms.CharField or isinstance(field, TypedTextField)
            if is_text and not isinstance(field.widget, forms.PasswordInput):
                if (form_name, name) not in NOT_STORED:
                    yield f"{form_name}.{name}", field


TYPED = dict(typed_fields())


def test_the_forms_are_found():
    assert {"EntryForm.text", "AccreditationRequestForm.name", "DecideForm.rationale"} <= set(TYPED)


@pytest.mark.parametrize("name", sorted(TYPED))
def test_every_typed_text_goes_through_the_one_rule(name):
    assert isinstance(TYPED[name], TypedTextField), f"{name} is a plain CharField"


text = st.one_of(
    st.text(),
    st.text(st.characters(codec="utf-8", categories=["Cc", "Cf", "Zl", "Zp", "Zs"])),
    st.lists(st.sampled_from(["a", " ", "\t", "\n", "\r", "\x00", "\x0b", "\x85", "\x9b"])).map(
        "".join
    ),
)


@pytest.mark.parametrize("name", sorted(TYPED))
def test_what_a_typed_field_accepts_holds_no_control_character(name):
    field = TYPED[name]

    @given(text)
    def typing(value):
        try:
            cleaned = field.clean(value)
        except forms.ValidationError:
            return
        assert not CONTROLS.search(cleaned), (name, value)
        if not field.multiline:
            assert not LINE_BREAKS.search(cleaned), (name, value)
        etree.Element("t").text = cleaned  # lxml refuses what XML cannot hold

    typing()


@given(st.text())
def test_xml_safe_text_is_accepted_by_lxml(value):
    element = etree.Element("t")
    element.text = xml_safe(value)
    assert etree.fromstring(etree.tostring(element)).text in (xml_safe(value), None)


@pytest.mark.parametrize(
    ("value", "multiline", "cleaned"),
    [
        ("One\r\n\ttwo", True, "One\r\n\ttwo"),
        ("  Open\tNetworks\n  Alliance ", False, "Open Networks Alliance"),
        ("Côte d’Ivoire\u200f", False, "Côte d’Ivoire\u200f"),
    ],
)
def test_tabs_and_line_breaks_are_kept_or_become_spaces(value, multiline, cleaned):
    assert clean_typed(value, multiline=multiline) == cleaned


@pytest.mark.parametrize("char", ["\x00", "\x01", "\x1b", "\x7f", "\x9b", "\ufffe"])
@pytest.mark.parametrize("multiline", [True, False])
def test_control_characters_are_refused(char, multiline):
    with pytest.raises(forms.ValidationError, match="invisible control characters"):
        clean_typed(f"Fine{char}text", multiline=multiline)


def test_an_organisation_named_with_a_control_character_is_refused(anonymous, consultation):
    response = anonymous.post(ACCREDITATION_URL, form_data(name="Open\x01 Networks"))
    assert response.status_code == 400
    assert "invisible control characters" in response.context["form"].errors["name"][0]
    assert not AccreditationRequest.objects.exists()


def test_a_pasted_name_is_kept_on_one_line(anonymous, consultation):
    response = anonymous.post(
        ACCREDITATION_URL, form_data(name="Open\tNetworks\r\nAlliance", contact_name="Kofi\u2028M")
    )
    assert response.status_code == 302
    request = AccreditationRequest.objects.get()
    assert (request.name, request.contact_name) == ("Open Networks Alliance", "Kofi M")


def test_a_reason_with_a_control_character_changes_nothing(facilitator, version):
    ghana = Organisation.objects.create(name="Ghana", acronym="GHA", group=group("member_state"))
    entry = add_entry(
        version, "26", ghana, Entry.Kind.COMMENT, text="Fine.", moderation=Entry.Moderation.PENDING
    )
    url = reverse("moderation:moderate", args=["wsis20", entry.pk])
    response = facilitator.post(url, {"action": "reject", "reason": "Off\x1b[31m topic"})
    assert response.status_code == 400
    entry.refresh_from_db()
    assert entry.moderation == Entry.Moderation.PENDING and entry.moderation_reason == ""
