from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from wsis.drafts import views as draft_views

urlpatterns = [
    path("", draft_views.home, name="home"),
    path("healthz", draft_views.health, name="health"),
    path("signin/", auth_views.LoginView.as_view(), name="login"),
    path("signout/", auth_views.LogoutView.as_view(), name="logout"),
    path("api/v1/", include("wsis.drafts.api_urls")),
    path("c/", include("wsis.drafts.urls")),
    path("", include("wsis.comments.urls")),
    path("admin/", admin.site.urls),
]
