"""URL routes. Until the web screens land, the admin is the web interface, so "/" leads there."""

from django.contrib import admin
from django.urls import path
from django.views.generic import RedirectView

from entregent.web import feeds

admin.site.site_header = "entregent"
admin.site.site_title = "entregent"

urlpatterns = [
    path("", RedirectView.as_view(pattern_name="admin:index", permanent=False)),
    path("admin/", admin.site.urls),
    path("feed/<str:token>.ics", feeds.calendar_feed, name="calendar-feed"),
]
