import hashlib

from axes.utils import reset as reset_sign_in_failures
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model, update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core import signing
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Prefetch
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from wsis.client import client_ip
from wsis.drafts.models import Consultation
from wsis.moderation.models import MailPreference
from wsis.stakeholders import services
from wsis.stakeholders.access import (
    act_for,
    active_membership,
    facilitated_consultation,
    focal_membership,
    get_accreditation_request,
    get_delegate,
    get_invitation_of_organisation,
    get_organisation_for_facilitator,
    invitation_by_token,
    memberships_of,
)
from wsis.stakeholders.emails import send_after_commit
from wsis.stakeholders.forms import (
    AccreditationRequestForm,
    BulkRegistrationForm,
    DeclineForm,
    EmailChangeForm,
    InviteForm,
    SetPasswordForInvitationForm,
)
from wsis.stakeholders.models import AccreditationRequest, Invitation, Membership, Organisation
from wsis.stakeholders.tasks import send_password_reset
from wsis.throttle import LimitReached, spend


def base_url(request: HttpRequest) -> str:
    return request.build_absolute_uri("/")


# Accreditation: public side ----------------------------------------------------------------


def over_rate_limit(request: HttpRequest) -> bool:
    """Counts this submission against the address's hourly allowance; True once it is spent."""
    return not spend(
        "accreditation-requests",
        client_ip(request) or "unknown",
        limit=settings.ACCREDITATION_REQUESTS_PER_HOUR,
        window=3600,
    )


@require_http_methods(["GET", "POST"])
def request_accreditation(request: HttpRequest, slug: str) -> HttpResponse:
    consultation = get_object_or_404(Consultation, slug=slug)
    instance = AccreditationRequest(consultation=consultation)
    if request.method == "GET":
        form = AccreditationRequestForm(instance=instance)
        return render(request, "stakeholders/accreditation_form.html", _ctx(consultation, form))
    form = AccreditationRequestForm(request.POST, instance=instance)
    if over_rate_limit(request):
        form.is_valid()
        form.add_error(None, _("Too many requests from your network: try again in an hour."))
        context = _ctx(consultation, form)
        return render(request, "stakeholders/accreditation_form.html", context, status=429)
    if form.is_bot:
        # Answer as if it worked, so the bot learns nothing.
        return redirect("stakeholders:accreditation_sent", slug=slug)
    if not form.is_valid():
        context = _ctx(consultation, form)
        return render(request, "stakeholders/accreditation_form.html", context, status=400)
    services.request_accreditation(form.instance, request=request)
    return redirect("stakeholders:accreditation_sent", slug=slug)


def _ctx(consultation, form, **extra):
    return {"consultation": consultation, "form": form, **extra}


@require_GET
def accreditation_sent(request: HttpRequest, slug: str) -> HttpResponse:
    consultation = get_object_or_404(Consultation, slug=slug)
    return render(request, "stakeholders/accreditation_sent.html", {"consultation": consultation})


# Accreditation: facilitators ------------------------------------------------------------------


@require_GET
@login_required
def accreditation_list(request: HttpRequest, slug: str) -> HttpResponse:
    consultation = facilitated_consultation(request, slug)
    requests = consultation.accreditation_requests.select_related("group", "decided_by")
    context = {
        "consultation": consultation,
        "pending": [r for r in requests if r.is_pending],
        "decided": [r for r in requests if not r.is_pending][:50],
    }
    return render(request, "stakeholders/accreditation_list.html", context)


@require_GET
@login_required
def accreditation_detail(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    accreditation = get_accreditation_request(request, slug, pk)
    return _detail(request, accreditation, DeclineForm())


def _detail(request, accreditation, decline_form, status=200):
    context = {
        "consultation": accreditation.consultation,
        "accreditation": accreditation,
        "decline_form": decline_form,
    }
    return render(request, "stakeholders/accreditation_detail.html", context, status=status)


@require_POST
@login_required
def accreditation_approve(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    accreditation = get_accreditation_request(request, slug, pk)
    try:
        organisation = services.approve(
            accreditation, by=request.user, base_url=base_url(request), request=request
        )
    except services.OnboardingError as error:
        messages.error(request, str(error))
        return redirect("stakeholders:accreditation_detail", slug=slug, pk=pk)
    messages.success(
        request,
        _("%(name)s is registered; its focal point %(email)s has been invited.")
        % {"name": organisation.name, "email": accreditation.contact_email},
    )
    return redirect("stakeholders:accreditation_list", slug=slug)


@require_POST
@login_required
def accreditation_decline(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    accreditation = get_accreditation_request(request, slug, pk)
    form = DeclineForm(request.POST)
    if not form.is_valid():
        return _detail(request, accreditation, form, status=400)
    try:
        services.decline(
            accreditation, by=request.user, reason=form.cleaned_data["reason"], request=request
        )
    except services.OnboardingError as error:
        messages.error(request, str(error))
        return redirect("stakeholders:accreditation_detail", slug=slug, pk=pk)
    messages.success(
        request,
        _("The request of %(name)s is declined; %(email)s has been told why.")
        % {"name": accreditation.name, "email": accreditation.contact_email},
    )
    return redirect("stakeholders:accreditation_list", slug=slug)


@require_http_methods(["GET", "POST"])
@login_required
def bulk_register(request: HttpRequest, slug: str) -> HttpResponse:
    consultation = facilitated_consultation(request, slug)
    report = None
    status = 200
    if request.method == "POST":
        form = BulkRegistrationForm(request.POST, request.FILES)
        if form.is_valid():
            report = services.register_in_bulk(
                form.cleaned_data["file"].read(),
                consultation=consultation,
                by=request.user,
                base_url=base_url(request),
                request=request,
            )
            if report.error:
                form.add_error("file", report.error)
                status = 400
        else:
            status = 400
    else:
        form = BulkRegistrationForm()
    context = {"consultation": consultation, "form": form, "report": report}
    return render(request, "stakeholders/bulk_register.html", context, status=status)


@require_GET
@login_required
def organisations(request: HttpRequest, slug: str) -> HttpResponse:
    consultation = facilitated_consultation(request, slug)
    return _organisations(request, consultation)


def _organisations(request, consultation, failed=None, status=200):
    """Every organisation accredited to the consultation, with its focal points and open
    focal-point invitations; ``failed``
    is the (organisation pk, form) of a re-invitation refused, shown beside its organisation."""
    listed = (
        Organisation.objects.filter(accreditations__consultation=consultation)
        .select_related("group")
        .prefetch_related(
            Prefetch(
                "memberships",
                Membership.objects.filter(role=Membership.Role.FOCAL_POINT).select_related("user"),
                to_attr="focal_points",
            ),
            Prefetch(
                "invitations",
                Invitation.objects.open().filter(role=Invitation.Role.FOCAL_POINT),
                to_attr="open_invitations",
            ),
        )
    )
    rows = []
    for organisation in listed:
        if failed and failed[0] == organisation.pk:
            form = failed[1]
        else:
            last = organisation.open_invitations[0] if organisation.open_invitations else None
            form = InviteForm(initial={"email": last.email if last else ""})
            form.auto_id = f"id_{organisation.pk}_%s"
        rows.append((organisation, form))
    context = {"consultation": consultation, "rows": rows}
    return render(request, "stakeholders/organisations.html", context, status=status)


@require_POST
@login_required
def organisation_reinvite(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    organisation = get_organisation_for_facilitator(request, slug, pk)
    form = InviteForm(request.POST, auto_id=f"id_{organisation.pk}_%s")
    if not form.is_valid():
        consultation = facilitated_consultation(request, slug)
        return _organisations(request, consultation, failed=(pk, form), status=400)
    services.reinvite_focal_point(
        organisation,
        email=form.cleaned_data["email"],
        by=request.user,
        base_url=base_url(request),
        request=request,
    )
    messages.success(
        request,
        _("%(email)s is invited as focal point of %(name)s; earlier links no longer work.")
        % {"email": form.cleaned_data["email"], "name": organisation.name},
    )
    return redirect("stakeholders:organisations", slug=slug)


@require_GET
@login_required
def facilitators(request: HttpRequest, slug: str) -> HttpResponse:
    consultation = facilitated_consultation(request, slug)
    return _facilitators(request, consultation, InviteForm())


def _facilitators(request, consultation, form, status=200):
    context = {
        "consultation": consultation,
        "facilitators": consultation.facilitators.order_by("last_name", "username"),
        "invitations": consultation.invitations.open().select_related("invited_by"),
        "form": form,
    }
    return render(request, "stakeholders/facilitators.html", context, status=status)


@require_POST
@login_required
def facilitators_invite(request: HttpRequest, slug: str) -> HttpResponse:
    consultation = facilitated_consultation(request, slug)
    form = InviteForm(request.POST)
    if not form.is_valid():
        return _facilitators(request, consultation, form, status=400)
    try:
        services.invite_within_allowance(
            email=form.cleaned_data["email"],
            role=Invitation.Role.FACILITATOR,
            invited_by=request.user,
            base_url=base_url(request),
            consultation=consultation,
            request=request,
        )
    except LimitReached as exc:
        form.add_error(None, str(exc))
        return _facilitators(request, consultation, form, status=429)
    messages.success(
        request, _("Invitation sent to %(email)s.") % {"email": form.cleaned_data["email"]}
    )
    return redirect("stakeholders:facilitators", slug=slug)


# The focal point's people ------------------------------------------------------------------------


@require_GET
@login_required
def people(request: HttpRequest) -> HttpResponse:
    return _people(request, focal_membership(request), InviteForm())


def _people(request, focal, form, status=200):
    organisation = focal.organisation
    context = {
        "organisation": organisation,
        "members": organisation.memberships.select_related("user").order_by(
            "-role", "user__last_name", "user__username"
        ),
        "invitations": organisation.invitations.open().select_related("invited_by"),
        "form": form,
        "undo": _undo_offer(request, organisation),
    }
    return render(request, "stakeholders/people.html", context, status=status)


def _undo_offer(request, organisation) -> dict | None:
    """The last removal this session made for ``organisation``, while it can still be undone."""
    token = request.session.get("undo_removal")
    try:
        undo = signing.loads(token or "", salt=UNDO_SALT, max_age=UNDO_SECONDS)
    except signing.BadSignature:
        return None
    if undo["organisation"] != organisation.pk:
        return None
    user = get_user_model().objects.filter(pk=undo["user"]).first()
    return {"token": token, "who": _name(user)} if user else None


@require_POST
@login_required
def people_invite(request: HttpRequest) -> HttpResponse:
    focal = focal_membership(request)
    form = InviteForm(request.POST)
    if not form.is_valid():
        return _people(request, focal, form, status=400)
    try:
        services.invite_within_allowance(
            email=form.cleaned_data["email"],
            role=Invitation.Role.DELEGATE,
            invited_by=request.user,
            base_url=base_url(request),
            organisation=focal.organisation,
            request=request,
        )
    except LimitReached as exc:
        form.add_error(None, str(exc))
        return _people(request, focal, form, status=429)
    messages.success(
        request, _("Invitation sent to %(email)s.") % {"email": form.cleaned_data["email"]}
    )
    return redirect("stakeholders:people")


# How long a removal can be undone from the People page.
UNDO_SECONDS = 15 * 60
UNDO_SALT = "wsis.stakeholders.undo-removal"


@require_http_methods(["GET", "POST"])
@login_required
def people_remove(request: HttpRequest, pk: int) -> HttpResponse:
    """Asks first (GET), then removes (POST); the People page then offers to undo it."""
    membership = get_delegate(request, pk)
    if request.method == "GET":
        return render(request, "stakeholders/people_remove.html", {"membership": membership})
    services.remove_member(membership, by=request.user, request=request)
    undo = {"user": membership.user_id, "organisation": membership.organisation_id}
    request.session["undo_removal"] = signing.dumps(undo, salt=UNDO_SALT)
    message = _("%(who)s no longer belongs to %(org)s.") % {
        "who": _name(membership.user),
        "org": membership.organisation.name,
    }
    messages.success(request, message)
    return redirect("stakeholders:people")


@require_POST
@login_required
def people_restore(request: HttpRequest) -> HttpResponse:
    """Undo the last removal, for a while after it, by the focal point of that organisation."""
    focal = focal_membership(request)
    try:
        undo = signing.loads(request.POST.get("token", ""), salt=UNDO_SALT, max_age=UNDO_SECONDS)
    except signing.BadSignature:
        messages.error(request, _("This removal can no longer be undone: invite the person again."))
        return redirect("stakeholders:people")
    if undo["organisation"] != focal.organisation_id:
        raise PermissionDenied(_("This removal was made for another organisation."))
    user = get_object_or_404(get_user_model(), pk=undo["user"], is_active=True)
    services.restore_member(user, focal.organisation, by=request.user, request=request)
    request.session.pop("undo_removal", None)
    messages.success(request, _("%(who)s is back as a delegate.") % {"who": _name(user)})
    return redirect("stakeholders:people")


def _name(user) -> str:
    return user.get_full_name() or user.email


@require_POST
@login_required
def invitation_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    invitation = get_invitation_of_organisation(request, pk)
    if invitation.is_open:
        services.withdraw_invitation(invitation, request=request)
        message = _("The invitation to %(email)s is withdrawn.") % {"email": invitation.email}
        messages.success(request, message)
    return redirect("stakeholders:people")


# Invitations: the invitee's side -----------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def accept_invitation(request: HttpRequest, token: str) -> HttpResponse:
    invitation = invitation_by_token(token)
    context = {"invitation": invitation}
    if not invitation.is_open:
        return _spent(request, invitation)
    if request.user.is_authenticated:
        if request.method == "POST":
            return _join(request, invitation, request.user)
        context["already"] = _already_in(invitation, request.user)
        return render(request, "stakeholders/invitation_join.html", context)
    if services.account_for(invitation.email) is not None:
        # Only the holder of the link sees this, and the link was mailed to that address.
        context["login_url"] = f"{reverse('login')}?next={request.path}"
        return render(request, "stakeholders/invitation_sign_in.html", context)
    form = SetPasswordForInvitationForm(request.POST or None, email=invitation.email)
    if request.method == "POST" and form.is_valid():
        try:
            user = services.create_account(
                invitation,
                first_name=form.cleaned_data["first_name"],
                last_name=form.cleaned_data["last_name"],
                password=form.cleaned_data["password1"],
                request=request,
            )
        except services.OnboardingError:
            return _spent(request, invitation)
        messages.success(
            request,
            _("Your account is ready. Sign in with your username %(username)s and your password.")
            % {"username": user.username},
        )
        return redirect(f"{reverse('login')}?next={reverse('home')}")
    context["form"] = form
    status = 400 if request.method == "POST" else 200
    return render(request, "stakeholders/invitation_accept.html", context, status=status)


def _spent(request, invitation):
    """The answer on an invitation that can no longer be used.

    A form sent twice (a double click) finds the account its first submission created: the
    person is sent to sign in, not told that their link is dead.
    """
    if (
        request.method == "POST"
        and not request.user.is_authenticated
        and services.account_for(invitation.email) is not None
    ):
        messages.info(
            request,
            _("Your account already exists: sign in with your username %(username)s.")
            % {"username": invitation.email},
        )
        return redirect(f"{reverse('login')}?next={reverse('home')}")
    context = {"invitation": invitation}
    return render(request, "stakeholders/invitation_spent.html", context, status=410)


def _already_in(invitation, user) -> bool:
    """Whether accepting would change nothing for this user."""
    if invitation.role == Invitation.Role.FACILITATOR:
        return invitation.consultation.is_facilitator(user)
    membership = user.memberships.filter(organisation=invitation.organisation).first()
    if membership is None:
        return False
    return membership.is_focal_point or invitation.role == Invitation.Role.DELEGATE


def _join(request, invitation, user):
    try:
        services.accept(invitation, user, request=request)
    except services.OnboardingError:
        return render(
            request, "stakeholders/invitation_spent.html", {"invitation": invitation}, status=410
        )
    if invitation.organisation_id:
        act_for(request, invitation.organisation_id)
    messages.success(request, _("You have joined %(name)s.") % {"name": invitation.target_name})
    return redirect("home")


# Acting for an organisation; the account ---------------------------------------------------------


@require_POST
@login_required
def switch_organisation(request: HttpRequest) -> HttpResponse:
    try:
        organisation_id = int(request.POST.get("organisation", ""))
    except ValueError:
        organisation_id = None
    membership = act_for(request, organisation_id) if organisation_id else None
    if membership is None:
        messages.error(request, _("You are not a member of that organisation."))
    else:
        messages.success(
            request, _("You now act for %(name)s.") % {"name": membership.organisation.name}
        )
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        target = reverse("home")
    return HttpResponseRedirect(target)


@require_GET
@login_required
def account(request: HttpRequest) -> HttpResponse:
    return _account(request, EmailChangeForm(user=request.user))


def _account(request, form, status=200):
    context = {
        "form": form,
        "memberships": memberships_of(request.user),
        "active": active_membership(request),
        "mail_mode": MailPreference.mode_of(request.user),
        "mail_modes": MailPreference.Mode.choices,
    }
    return render(request, "stakeholders/account.html", context, status=status)


EMAIL_CHANGE_SALT = "wsis.stakeholders.email-change"
EMAIL_CHANGE_MAX_AGE = 2 * 24 * 3600


@require_POST
@login_required
def email_change(request: HttpRequest) -> HttpResponse:
    form = EmailChangeForm(request.POST, user=request.user)
    if not form.is_valid():
        return _account(request, form, status=400)
    email = form.cleaned_data["email"].strip().lower()
    # The old address is in the token, so a link stops working once the address has changed.
    token = signing.dumps(
        {"user": request.user.pk, "email": email, "old": request.user.email}, salt=EMAIL_CHANGE_SALT
    )
    link = request.build_absolute_uri(reverse("stakeholders:email_confirm", args=[token]))
    send_after_commit("email_change", email, {"user": request.user, "link": link})
    # The same answer whether or not the address belongs to someone else.
    messages.success(
        request,
        _("We sent a link to %(email)s: your address changes when you open it.") % {"email": email},
    )
    return redirect("stakeholders:account")


@require_http_methods(["GET", "POST"])
@login_required
def email_confirm(request: HttpRequest, token: str) -> HttpResponse:
    try:
        data = signing.loads(token, salt=EMAIL_CHANGE_SALT, max_age=EMAIL_CHANGE_MAX_AGE)
    except signing.BadSignature:
        data = None
    user = request.user
    if data is None or data["user"] != user.pk or data["old"] != user.email:
        return render(request, "stakeholders/email_confirm.html", {"invalid": True}, status=410)
    taken = services.account_for(data["email"])
    if taken is not None and taken.pk != user.pk:
        # Only the owner of the address can reach this page, so saying so discloses nothing.
        context = {"taken": True, "email": data["email"]}
        return render(request, "stakeholders/email_confirm.html", context, status=409)
    if request.method == "GET":
        return render(request, "stakeholders/email_confirm.html", {"email": data["email"]})
    services.change_email(user, data["email"], request=request)
    messages.success(request, _("Your email address is now %(email)s.") % {"email": user.email})
    return redirect("stakeholders:account")


# Django's password views, with the change recorded -------------------------------------------


class PasswordChangeView(auth_views.PasswordChangeView):
    def form_valid(self, form):
        # Django's form_valid, with the password saved and recorded by the service.
        services.set_password(form.user, form.cleaned_data["new_password1"], request=self.request)
        update_session_auth_hash(self.request, form.user)
        return HttpResponseRedirect(self.get_success_url())


RESETS_PER_ADDRESS = 3
RESETS_PER_CLIENT = 10
RESET_WINDOW = 3600


def reset_allowed(request: HttpRequest, email: str) -> bool:
    """Count a reset asked for ``email`` by this client; False once either has asked too often.

    Both counters move on every attempt, so an answer of "too many" says nothing about whether
    the address has an account; the address is hashed: the cache need not hold who asked.
    """
    digest = hashlib.sha256(email.strip().lower().encode()).hexdigest()
    by_address = spend(
        "password-reset-address", digest, limit=RESETS_PER_ADDRESS, window=RESET_WINDOW
    )
    by_client = spend(
        "password-reset-client",
        str(client_ip(request)),
        limit=RESETS_PER_CLIENT,
        window=RESET_WINDOW,
    )
    return by_address and by_client


class PasswordResetView(auth_views.PasswordResetView):
    """Django's reset page, with the mail left to a worker and resets throttled.

    The request does the same work whatever the address: it counts the attempt and queues
    the task, which alone looks the address up.
    """

    def form_valid(self, form):
        email = form.cleaned_data["email"]
        if not reset_allowed(self.request, email):
            form.add_error(None, _("Too many password resets asked for: try again in an hour."))
            return self.render_to_response(self.get_context_data(form=form), status=429)
        domain, use_https = self.request.get_host(), self.request.is_secure()
        transaction.on_commit(
            lambda: send_password_reset.delay(email, domain, use_https), robust=True
        )
        return HttpResponseRedirect(self.get_success_url())


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    def form_valid(self, form):
        # Django's form_valid (``post_reset_login`` is off), with the password saved and
        # recorded by the service.
        services.set_password(
            form.user, form.cleaned_data["new_password1"], request=self.request, reset=True
        )
        del self.request.session[auth_views.INTERNAL_RESET_SESSION_TOKEN]
        # Whoever can read the account's mail may sign in again at once, lock-out or not.
        reset_sign_in_failures(username=form.user.get_username())
        return HttpResponseRedirect(self.get_success_url())
