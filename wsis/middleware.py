"""Project middleware."""

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
