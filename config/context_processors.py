from django.conf import settings
from django.http import HttpRequest


def site(request: HttpRequest) -> dict[str, object]:
    return {
        "QUICK_EXIT_URL": settings.QUICK_EXIT_URL,
        "SERVICE_OPERATOR": settings.SERVICE_OPERATOR,
        "CONTACT_EMAIL": settings.CONTACT_EMAIL,
    }
