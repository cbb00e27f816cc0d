from django.urls import path

from wsis.drafts import api

app_name = "api"
urlpatterns = [
    path("consultations/", api.consultations, name="consultations"),
    path("consultations/<slug:slug>/", api.consultation, name="consultation"),
    path("consultations/<slug:slug>/versions/<str:label>/", api.version, name="version"),
    path(
        "consultations/<slug:slug>/versions/<str:label>/paragraphs/<str:paragraph>/",
        api.paragraph,
        name="paragraph",
    ),
]
