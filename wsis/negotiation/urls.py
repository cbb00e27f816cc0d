from django.urls import path

from wsis import converters  # noqa: F401 - registers <label:...>
from wsis.negotiation import views

app_name = "negotiation"
urlpatterns = [
    path("<slug:slug>/statuses/", views.statuses, name="statuses"),
    path("<slug:slug>/p/<label:label>/status/", views.paragraph_status, name="paragraph_status"),
    path("<slug:slug>/snapshots/", views.snapshot, name="snapshot"),
]
