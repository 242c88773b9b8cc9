from django.conf import settings
from django.http import HttpRequest
from django.utils.translation import gettext_lazy

# Who runs the service when SERVICE_OPERATOR names no one, in the page's language.
DEFAULT_OPERATOR = gettext_lazy("the Little Steps volunteers")


def site(request: HttpRequest) -> dict[str, object]:
    # low_key: a low-key plan's views set it True (neutral titles in base.html);
    # always defined, so no page's template looks up a missing name.
    return {
        "QUICK_EXIT_URL": settings.QUICK_EXIT_URL,
        "SERVICE_OPERATOR": settings.SERVICE_OPERATOR or DEFAULT_OPERATOR,
        "CONTACT_EMAIL": settings.CONTACT_EMAIL,
        "low_key": False,
    }
