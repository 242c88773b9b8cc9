import datetime

from celery import shared_task
from django.conf import settings

from accounts.services import sessions_clear_expired, users_delete_unconfirmed


@shared_task
def clear_expired_sessions() -> int:
    return sessions_clear_expired()


@shared_task
def delete_unconfirmed_accounts() -> int:
    hours = settings.ACCOUNTS_UNCONFIRMED_MAX_AGE_HOURS
    return users_delete_unconfirmed(older_than=datetime.timedelta(hours=hours))
