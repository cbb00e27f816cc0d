"""Text that people type: one rule for every form and CSV row, one for what renderers write.

User text is stored as typed (DESIGN.md), with one exception: control characters. They come
from bad pastes and hostile clients, nobody sees them on screen, and they break what is made
from the text later: XML 1.0, and so every DOCX, cannot hold most of them, and a line break in
an organisation's name breaks the subject of every mail that names it. So a form refuses them
with a message and changes nothing; in a field of one line, runs of white space (tabs and line
breaks from a paste included) become one space. Text stored before this rule existed is made
safe where a renderer needs it: :func:`xml_safe`.
"""

import re

from django import forms
from django.db import models
from django.utils.translation import gettext_lazy as _

# C0 and C1 controls but tab, line feed and carriage return; DEL; lone surrogates; and the
# noncharacters U+FFFE and U+FFFF, which no font or XML document holds.
REFUSED = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")
# Everything outside XML 1.0's Char production.
NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")

MESSAGE = _("The text contains invisible control characters; please retype or paste it again.")


def clean_typed(value: str, *, multiline: bool) -> str:
    """The text to store, or :class:`~django.forms.ValidationError` naming the problem."""
    if not multiline:
        # str.split() also splits at line and paragraph separators and the C0 separators.
        value = " ".join(value.split())
    if REFUSED.search(value):
        raise forms.ValidationError(MESSAGE, code="control_characters")
    return value


class TypedTextField(forms.CharField):
    """Every text a person types goes through this field (or :func:`clean_typed`)."""

    def __init__(self, *, multiline: bool = False, **kwargs):
        self.multiline = multiline
        if multiline:
            kwargs.setdefault("widget", forms.Textarea)
        super().__init__(**kwargs)

    def to_python(self, value):
        value = super().to_python(value)
        return clean_typed(value, multiline=self.multiline) if value else value


def typed_text_formfield(model_field, **kwargs):
    """A ModelForm's ``formfield_callback``: its text fields become :class:`TypedTextField`."""
    # Exactly these two: URLField and EmailField, subclasses of CharField, keep their own.
    if type(model_field) in (models.CharField, models.TextField) and not model_field.choices:
        kwargs.setdefault("form_class", TypedTextField)
        kwargs.setdefault("multiline", isinstance(model_field, models.TextField))
    return model_field.formfield(**kwargs)


def xml_safe(value: str) -> str:
    """``value`` without the characters XML 1.0 cannot hold (lxml refuses them), nor the
    others that forms refuse (DEL, C1 controls), which would show as boxes."""
    return REFUSED.sub("", NOT_XML.sub("", value))
