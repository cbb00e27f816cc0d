from django.urls import path

from wsis import converters  # noqa: F401 - registers <label:...>
from wsis.moderation import decisions_views, views

app_name = "moderation"
urlpatterns = [
    path("", views.home, name="home"),
    path("second-factor/", views.two_factor, name="two_factor"),
    path("second-factor/enrol/<str:token>/", views.enrol, name="enrol"),
    path("<slug:slug>/", views.dashboard, name="dashboard"),
    path("<slug:slug>/bulk/", views.bulk, name="bulk"),
    path(
        "<slug:slug>/decisions/import/",
        decisions_views.import_decisions_view,
        name="import_decisions",
    ),
    path("<slug:slug>/overview/", views.overview, name="overview"),
    path("<slug:slug>/round/", views.round_page, name="round"),
    path("<slug:slug>/round/update/", views.round_update, name="round_update"),
    path("<slug:slug>/round/extend/", views.extend, name="extend"),
    path("<slug:slug>/settings/", views.settings_update, name="settings"),
    path("<slug:slug>/p/<label:label>/", views.paragraph, name="paragraph"),
    path("<slug:slug>/entries/<int:pk>/", views.entry_detail, name="entry"),
    path("<slug:slug>/entries/<int:pk>/moderate/", views.moderate, name="moderate"),
    path("<slug:slug>/entries/<int:pk>/decide/", views.decide, name="decide"),
    path("<slug:slug>/entries/<int:pk>/duplicate/", views.duplicate, name="duplicate"),
    path(
        "<slug:slug>/facilitators/<int:user_pk>/enrolment-link/",
        views.enrolment_link,
        name="enrolment_link",
    ),
]
