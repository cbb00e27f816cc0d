from django.urls import path

from wsis import converters  # noqa: F401 - registers <label:...>
from wsis.reports import views

app_name = "reports"
urlpatterns = [
    path("", views.home, name="home"),
    path("<slug:slug>/v/<label:label>/", views.index, name="index"),
    path("<slug:slug>/v/<label:label>/ask/", views.ask, name="ask"),
    # <path:> as the ledger page itself (an acronym may hold a "/").
    path("<slug:slug>/ledger/<path:acronym>/ask/", views.ask_ledger, name="ask_ledger"),
    path("<slug:slug>/v/<label:label>/rolling/ask/", views.ask_rolling, name="ask_rolling"),
    path(
        "<slug:slug>/v/<label:label>/silence-letter/ask/",
        views.ask_silence_letter,
        name="ask_silence_letter",
    ),
    path("job/<int:pk>/", views.job, name="job"),
    path("job/<int:pk>/download/", views.download, name="download"),
]
