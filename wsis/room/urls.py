from django.urls import path

from wsis import converters  # noqa: F401 - registers <label:...>
from wsis.room import views

app_name = "room"
READING = "c/<slug:slug>/v/<label:label>/readings/<int:number>/"
urlpatterns = [
    path("c/<slug:slug>/v/<label:label>/readings/", views.readings, name="readings"),
    path("c/<slug:slug>/v/<label:label>/readings/open/", views.open_reading, name="open"),
    path(READING, views.room, name="room"),
    # wsis/asgi.py sends paths ending in "/stream/" to the event loop: keep this suffix.
    path(READING + "stream/", views.stream, name="stream"),
    path(READING + "move/", views.move, name="move"),
    path(READING + "wording/", views.wording, name="wording"),
    path(READING + "floor/", views.floor, name="floor"),
    path(READING + "status/", views.status, name="status"),
    path(READING + "close/", views.close, name="close"),
    path(READING + "log/", views.log, name="log"),
]
