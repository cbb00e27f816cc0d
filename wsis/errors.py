"""What a failed request is answered with: a page in the site's look that says what to do
next, or JSON under ``/api/``, where scripts read the answer.

Django's own handlers would serve a bare "Forbidden" or an HTML page to an API client.
"""

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.functional import Promise
from django.views import defaults

API_PREFIX = "/api/"


def _reason(exception) -> str:
    """The message a view gave with its refusal, when it wrote one for people to read."""
    message = exception.args[0] if exception is not None and exception.args else ""
    return str(message) if isinstance(message, str | Promise) else ""


def _answer(request: HttpRequest, status: int, error: str, exception=None) -> HttpResponse:
    reason = _reason(exception)
    if request.path.startswith(API_PREFIX):
        return JsonResponse({"error": error, "detail": reason}, status=status)
    return render(request, f"{status}.html", {"reason": reason}, status=status)


def bad_request(request, exception=None):
    return _answer(request, 400, "bad_request", exception)


def permission_denied(request, exception=None):
    return _answer(request, 403, "forbidden", exception)


def csrf_failure(request, reason=""):
    # Most often a form sent from a page left open past the session, or with cookies blocked:
    # the person may send it again, which a plain refusal would not say. Django's reason is
    # written for developers: logged by Django, not shown.
    if request.path.startswith(API_PREFIX):
        return JsonResponse({"error": "csrf_failed", "detail": ""}, status=403)
    return render(request, "403_csrf.html", status=403)


def page_not_found(request, exception=None):
    # Http404's messages are written for developers ("No such version."): not shown.
    return _answer(request, 404, "not_found")


def server_error(request):
    if request.path.startswith(API_PREFIX):
        return JsonResponse({"error": "server_error", "detail": ""}, status=500)
    # Rendered without a request context: the database may be what failed.
    return defaults.server_error(request)
