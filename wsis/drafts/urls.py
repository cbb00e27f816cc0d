from django.urls import path

from wsis.drafts import views

app_name = "drafts"
urlpatterns = [
    path("<slug:slug>/", views.reader, name="reader"),
    path("<slug:slug>/v/<str:label>/", views.reader, name="version"),
]
