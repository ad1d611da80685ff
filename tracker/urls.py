from django.contrib import admin
from django.urls import include, path

from tracker.health import healthz

urlpatterns = [
    path("admin/", admin.site.urls),
    # Polled by machines, so outside the language prefixes: one address whatever the language.
    path("healthz", healthz, name="healthz"),
    path("", include("recommendations.urls")),
]
