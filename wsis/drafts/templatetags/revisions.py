from django import template

register = template.Library()


@register.filter
def facilitates(user, consultation) -> bool:
    """``{% if user|facilitates:consultation %}``: for links only facilitators may follow."""
    return consultation is not None and consultation.is_facilitator(user)
