from django.contrib import admin
from django.urls import include, path

from config import health, views

urlpatterns = [
    path("", views.landing, name="landing"),
    path("exit-this-page", views.quick_exit_help, name="quick_exit_help"),
    path("privacy/", views.privacy, name="privacy"),
    path("accessibility/", views.accessibility, name="accessibility"),
    path("healthz", health.healthz, name="healthz"),
    path("readyz", health.readyz, name="readyz"),
    path("", include("personas.urls")),
    path("", include("plans.urls")),
    path("", include("mentors.urls")),
    path("accounts/", include("allauth.urls")),
    path("admin/", admin.site.urls),
]
