from django.contrib import admin
from django.urls import include, path
from django.views.generic import TemplateView

from accounts import views as account_views
from config import health, views
from config.ratelimit import limit_posts

# Ten sign-in tries a minute from one client: guessing staff passwords stays slow.
admin.site.login = limit_posts(scope="admin-login", limit=10)(admin.site.login)  # type: ignore[method-assign]

urlpatterns = [
    path("", views.landing, name="landing"),
    path("exit-this-page", views.quick_exit_help, name="quick_exit_help"),
    path("exit", views.quick_exit, name="quick_exit"),
    path("privacy/", TemplateView.as_view(template_name="privacy.html"), name="privacy"),
    path(
        "accessibility/",
        TemplateView.as_view(template_name="accessibility.html"),
        name="accessibility",
    ),
    # set_language: the language switcher's form (no language in any address).
    path("i18n/", include("django.conf.urls.i18n")),
    path("healthz", health.healthz, name="healthz"),
    path("readyz", health.readyz, name="readyz"),
    path("", include("personas.urls")),
    path("", include("plans.urls")),
    path("", include("mentors.urls")),
    path("accounts/delete/", account_views.delete, name="account_delete"),
    # Before allauth's own, which it stands in for (an empty box is no try).
    path(
        "accounts/login/code/confirm/",
        account_views.confirm_login_code,
        name="account_confirm_login_code",
    ),
    path("accounts/", include("allauth.urls")),
    path("admin/", admin.site.urls),
]

handler400 = "config.errors.bad_request"
handler403 = "config.errors.permission_denied"
handler404 = "config.errors.page_not_found"
handler500 = "config.errors.server_error"
