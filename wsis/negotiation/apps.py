from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NegotiationConfig(AppConfig):
    name = "wsis.negotiation"
    verbose_name = _("Negotiation")
