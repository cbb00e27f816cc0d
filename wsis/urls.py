from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from wsis.drafts import views as draft_views
from wsis.moderation import notification_views
from wsis.stakeholders import views as stakeholder_views
from wsis.stakeholders.forms import SignInForm

urlpatterns = [
    path("", draft_views.home, name="home"),
    path("healthz", draft_views.health, name="health"),
    path("signin/", auth_views.LoginView.as_view(form_class=SignInForm), name="login"),
    path("signout/", auth_views.LogoutView.as_view(), name="logout"),
    path(
        "password/reset/",
        stakeholder_views.PasswordResetView.as_view(),
        name="password_reset",
    ),
    path(
        "password/reset/sent/",
        auth_views.PasswordResetDoneView.as_view(),
        name="password_reset_done",
    ),
    path(
        "password/reset/<uidb64>/<token>/",
        stakeholder_views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "password/reset/done/",
        auth_views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
    path(
        "password/change/", stakeholder_views.PasswordChangeView.as_view(), name="password_change"
    ),
    path(
        "password/change/done/",
        auth_views.PasswordChangeDoneView.as_view(),
        name="password_change_done",
    ),
    path("stakeholders/", include("wsis.stakeholders.urls")),
    path("api/v1/", include("wsis.drafts.api_urls")),
    path("c/", include("wsis.drafts.urls")),
    path("moderation/", include("wsis.moderation.urls")),
    path("negotiation/", include("wsis.negotiation.urls")),
    path(
        "notifications/",
        include(
            (
                [
                    path("", notification_views.notification_list, name="list"),
                    path("mail/", notification_views.mail_mode, name="mail_mode"),
                ],
                "notifications",
            )
        ),
    ),
    path("reports/", include("wsis.reports.urls")),
    path("silence/", include("wsis.silence.urls")),
    path("", include("wsis.comments.urls")),
    path("", include("wsis.room.urls")),
    path("", include("wsis.search.urls")),
    path("admin/", admin.site.urls),
]

handler400 = "wsis.errors.bad_request"
handler403 = "wsis.errors.permission_denied"
handler404 = "wsis.errors.page_not_found"
handler500 = "wsis.errors.server_error"
