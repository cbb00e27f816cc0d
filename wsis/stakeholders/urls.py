from django.urls import path

from wsis.stakeholders import views

app_name = "stakeholders"
urlpatterns = [
    path("people/", views.people, name="people"),
    path("people/invite/", views.people_invite, name="people_invite"),
    path("people/<int:pk>/remove/", views.people_remove, name="people_remove"),
    path("people/restore/", views.people_restore, name="people_restore"),
    path("invitations/<int:pk>/withdraw/", views.invitation_withdraw, name="invitation_withdraw"),
    path("invitation/<str:token>/", views.accept_invitation, name="accept"),
    path("act-for/", views.switch_organisation, name="act_for"),
    path("account/", views.account, name="account"),
    path("account/email/", views.email_change, name="email_change"),
    path("account/email/<str:token>/", views.email_confirm, name="email_confirm"),
    path("<slug:slug>/join/", views.request_accreditation, name="accreditation_request"),
    path("<slug:slug>/join/sent/", views.accreditation_sent, name="accreditation_sent"),
    path("<slug:slug>/requests/", views.accreditation_list, name="accreditation_list"),
    path("<slug:slug>/requests/<int:pk>/", views.accreditation_detail, name="accreditation_detail"),
    path(
        "<slug:slug>/requests/<int:pk>/approve/",
        views.accreditation_approve,
        name="accreditation_approve",
    ),
    path(
        "<slug:slug>/requests/<int:pk>/decline/",
        views.accreditation_decline,
        name="accreditation_decline",
    ),
    path("<slug:slug>/register/", views.bulk_register, name="bulk_register"),
    path("<slug:slug>/organisations/", views.organisations, name="organisations"),
    path(
        "<slug:slug>/organisations/<int:pk>/reinvite/",
        views.organisation_reinvite,
        name="organisation_reinvite",
    ),
    path("<slug:slug>/facilitators/", views.facilitators, name="facilitators"),
    path(
        "<slug:slug>/facilitators/invite/",
        views.facilitators_invite,
        name="facilitators_invite",
    ),
]
