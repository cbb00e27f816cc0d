"""Project middleware."""

from django.middleware.gzip import GZipMiddleware
from django.utils.cache import patch_cache_control


class PrivateNoStoreMiddleware:
    """A page shown to a signed-in person, and any download, is for them alone: no shared cache
    (a proxy, a CDN) may keep it, and the browser keeps no copy on disk for the next person at
    a shared computer (OWASP ASVS: anti-caching headers on sensitive data). Public pages keep
    their caching."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        signed_in = user is not None and user.is_authenticated
        if signed_in or response.has_header("Content-Disposition"):
            patch_cache_control(response, private=True, no_store=True)
        return response


class CompressPagesMiddleware(GZipMiddleware):
    """Pages leave gzipped when the browser accepts it: the reader's 150 KB of HTML is a fifth
    of that on the wire, a second less on a 3G link. Static files come compressed already
    (WhiteNoise). Not the live room's event streams: each would hold a compressor's buffers
    for as long as a reader stays, a thousand readers at once. Django's gzip pads every
    response at random against BREACH, and CSRF tokens are masked per response."""

    def process_response(self, request, response):
        if response.get("Content-Type", "").startswith("text/event-stream"):
            return response
        return super().process_response(request, response)
