from django.urls import path

from wsis import converters  # noqa: F401 - registers <label:...>
from wsis.drafts import revisions, views

app_name = "drafts"
urlpatterns = [
    path("<slug:slug>/", views.reader, name="reader"),
    path("<slug:slug>/v/<label:label>/", views.reader, name="version"),
    path("<slug:slug>/revisions/new/", revisions.upload, name="upload"),
    path("<slug:slug>/revisions/import/", revisions.import_version, name="import"),
    path("<slug:slug>/revisions/compose/", revisions.compose, name="compose"),
    path("<slug:slug>/v/<label:label>/edit/", revisions.edit, name="edit"),
    path("<slug:slug>/v/<label:label>/edit/<int:pk>/", revisions.edit_one, name="edit_one"),
    path(
        "<slug:slug>/v/<label:label>/edit/<int:pk>/preview/",
        revisions.edit_preview,
        name="edit_preview",
    ),
    path("<slug:slug>/v/<label:label>/renumber/", revisions.renumber_version, name="renumber"),
    path("<slug:slug>/v/<label:label>/alignment/", revisions.alignment, name="alignment"),
    path(
        "<slug:slug>/v/<label:label>/alignment/save/",
        revisions.save_alignment,
        name="alignment_save",
    ),
    path("<slug:slug>/v/<label:label>/publish/", revisions.publish, name="publish"),
    path("<slug:slug>/v/<label:label>/outcomes/", revisions.outcomes, name="outcomes"),
    path(
        "<slug:slug>/v/<label:label>/outcomes/confirm/",
        revisions.confirm_outcomes,
        name="outcomes_confirm",
    ),
    path("<slug:slug>/v/<label:label>/orphaned/", revisions.orphaned, name="orphaned"),
    path("<slug:slug>/compare/", revisions.compare, name="compare"),
    path("<slug:slug>/compare/print/", revisions.compare_print, name="compare_print"),
]
