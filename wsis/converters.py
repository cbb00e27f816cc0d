"""Path converters for the URLconfs."""

from django.urls import register_converter


class LabelConverter:
    """A version's or a paragraph's label: any text without "/" or a control character. No label
    has one, and PostgreSQL cannot even compare a text with a NUL: a hand-made URL with ``%00``
    was a server error; now it finds no page."""

    regex = r"[^/\x00-\x1f\x7f-\x9f]+"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


# Registered once, when the first URLconf using it imports this module.
register_converter(LabelConverter, "label")
