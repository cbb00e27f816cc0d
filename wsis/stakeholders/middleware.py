from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponseRedirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django_htmx.http import HttpResponseClientRedirect

from wsis.stakeholders.access import SecondFactorRequired


class SecondFactorMiddleware:
    """Sends a facilitator stopped by the gate (``SecondFactorRequired``) to confirm a code,
    then back: to the page they asked for, or for a form they sent, to the page it was on
    (sending it again would need a fresh form)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest):
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception):
        if not isinstance(exception, SecondFactorRequired):
            return None
        target = request.get_full_path()
        if request.method not in ("GET", "HEAD"):
            referer = request.headers.get("referer", "")
            allowed = url_has_allowed_host_and_scheme(
                referer, {request.get_host()}, request.is_secure()
            )
            target = referer if allowed else reverse("moderation:home")
        url = f"{reverse('moderation:two_factor')}?{urlencode({'next': target})}"
        if getattr(request, "htmx", False):
            return HttpResponseClientRedirect(url)
        return HttpResponseRedirect(url)
