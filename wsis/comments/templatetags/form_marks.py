"""Required fields marked on every form: whether a form needs the legend that explains the
marker (``forms/_required_legend.html``)."""

from django import template

register = template.Library()


@register.filter
def has_required(form) -> bool:
    return any(field.field.required and not field.is_hidden for field in form)


@register.inclusion_tag("forms/_mark_if.html")
def required_mark(field) -> dict:
    """The marker beside a hand-written label, if its field is required."""
    return {"required": field.field.required and not field.is_hidden}
