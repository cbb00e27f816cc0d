from django.urls import path

from wsis import converters  # noqa: F401 - registers <label:...>
from wsis.drafts import api

app_name = "api"
urlpatterns = [
    path("consultations/", api.consultations, name="consultations"),
    path("consultations/<slug:slug>/", api.consultation, name="consultation"),
    path("consultations/<slug:slug>/versions/<label:label>/", api.version, name="version"),
    path(
        "consultations/<slug:slug>/versions/<label:label>/paragraphs/<label:paragraph>/",
        api.paragraph,
        name="paragraph",
    ),
]
