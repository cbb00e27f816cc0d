"""What happened to my organisation's entries: the list, and how its mail comes."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from wsis.moderation import notifications
from wsis.moderation.forms import MailModeForm
from wsis.moderation.models import Notification

PAGE_SIZE = 30


@require_GET
@login_required
def notification_list(request: HttpRequest) -> HttpResponse:
    """Newest first; opening the list marks everything read (what was unread stays marked as
    new on this showing)."""
    mine = (
        Notification.objects.filter(user=request.user)
        .select_related(
            "entry__organisation",
            "entry__paragraph",
            "entry__version__consultation",
            "by_organisation",
        )
        .order_by("-created", "-pk")
    )
    page = Paginator(mine, PAGE_SIZE).get_page(request.GET.get("page"))
    page.object_list = list(page.object_list)  # read before they are marked read
    notifications.mark_read(request.user)
    return render(request, "moderation/notifications.html", {"page": page})


@require_POST
@login_required
def mail_mode(request: HttpRequest) -> HttpResponse:
    form = MailModeForm(request.POST)
    if form.is_valid():
        notifications.set_mail_mode(request.user, form.cleaned_data["mode"], request=request)
        messages.success(request, _("Saved: how your notifications are mailed."))
    else:
        messages.error(request, form.errors["mode"][0])
    return redirect("stakeholders:account")
