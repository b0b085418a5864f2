"""URL routes: the web screens, the admin for every record, the calendar feed."""

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from entregent.web import feeds, views

admin.site.site_header = "entregent"
admin.site.site_title = "entregent"

urlpatterns = [
    path("", views.today, name="today"),
    path("moves/<str:action>/", views.decide, name="decide"),
    path("people/", views.people, name="people"),
    path("people/tag/", views.tag_people, name="tag-people"),
    path("", include("entregent.web.person")),
    path("", include("entregent.web.network")),
    path("", include("entregent.web.reach")),
    path("", include("entregent.web.opportunities")),
    path("", include("entregent.web.imports")),
    path("", include("entregent.web.account")),
    path("", include("entregent.web.quick")),
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("i18n/setlang/", views.set_language, name="set_language"),
    path("admin/", admin.site.urls),
    path("feed/<str:token>.ics", feeds.calendar_feed, name="calendar-feed"),
]
