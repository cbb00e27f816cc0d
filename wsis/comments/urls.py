from django.urls import path

from wsis import converters  # noqa: F401 - registers <label:...>
from wsis.comments import ledger_views, markup_views, rolling_views, views

app_name = "comments"
urlpatterns = [
    path("entries/p/<int:pk>/", views.panel, name="panel"),
    path("entries/p/<int:pk>/new/", views.create, name="create"),
    path("entries/p/<int:pk>/preview/", views.preview, name="preview"),
    path("entries/<int:pk>/", views.entry, name="entry"),
    path("entries/<int:pk>/save/", views.save, name="save"),
    path("entries/<int:pk>/submit/", views.submit, name="submit"),
    path("entries/<int:pk>/withdraw/", views.withdraw, name="withdraw"),
    path("entries/<int:pk>/delete/", views.delete, name="delete"),
    path("entries/<int:pk>/carry/", views.carry, name="carry"),
    path("entries/<int:pk>/support/", views.support, name="support"),
    path("entries/<int:pk>/support/withdraw/", views.withdraw_support, name="withdraw_support"),
    path("c/<slug:slug>/submit-all/", views.submit_all, name="submit_all"),
    path("c/<slug:slug>/our-entries/", views.our_entries, name="our_entries"),
    path("c/<slug:slug>/our-submission/", views.our_submission, name="our_submission"),
    path("c/<slug:slug>/our-copy/", markup_views.upload, name="markup"),
    path("c/<slug:slug>/our-copy/confirm/", markup_views.confirm, name="markup_confirm"),
    # <path:>: an acronym is what its organisation typed, "/" included ("A/B"); the page
    # looks it up whole.
    path("c/<slug:slug>/ledger/<path:acronym>/", ledger_views.ledger_page, name="ledger"),
    path("c/<slug:slug>/v/<label:label>/rolling/", rolling_views.rolling, name="rolling"),
]
