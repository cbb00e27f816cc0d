from django.urls import path

from wsis import converters  # noqa: F401 - registers <label:...>
from wsis.silence import views

app_name = "silence"
urlpatterns = [
    path("<slug:slug>/v/<label:label>/", views.version, name="version"),
    path("<slug:slug>/v/<label:label>/start/", views.start, name="start"),
    path("<slug:slug>/v/<label:label>/extend/", views.extend, name="extend"),
    path("<slug:slug>/v/<label:label>/end/", views.end, name="end"),
    path("<slug:slug>/v/<label:label>/publish/", views.publish, name="publish"),
    path("<slug:slug>/v/<label:label>/break/", views.break_silence, name="break"),
    path("<slug:slug>/v/<label:label>/matrix/", views.matrix, name="matrix"),
    path("<slug:slug>/v/<label:label>/front-page/", views.front_page, name="front_page"),
]
