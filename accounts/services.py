"""Writes to accounts go through these services (typed, keyword-only)."""

import datetime

from allauth.account.models import EmailAddress
from django.contrib.sessions.models import Session
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone

from accounts.models import User


def sessions_clear_expired() -> int:
    """Delete sessions past their expiry date; returns how many went."""
    deleted, _ = Session.objects.filter(expire_date__lt=timezone.now()).delete()
    return deleted


def user_get_or_create_for_code(*, email: str) -> User | None:
    """The account a sign-in code for this address belongs to.

    Someone new gets an account on the spot, with no password and the
    address not yet verified: only the person who reads the emailed code can
    ever sign in to it. Returns None when the address belongs to an account
    that is switched off.
    """
    email = email.strip().lower()
    user = User.objects.filter(email__iexact=email).first()
    if user is None:
        try:
            with transaction.atomic():
                user = User(email=email)
                user.set_unusable_password()
                user.full_clean(exclude=["password"], validate_unique=False)
                user.save()
                EmailAddress.objects.create(user=user, email=email, primary=True, verified=False)
        except IntegrityError:
            # Another request made the same account a moment ago.
            user = User.objects.filter(email__iexact=email).first()
        except ValidationError:
            return None  # no account can have this address (the sign-in form says why first)
    return user if user is not None and user.is_active else None


@transaction.atomic
def user_delete(*, user: User) -> None:
    """Delete an account and everything tied to it.

    Each of its plans goes the way "Delete my plan" takes (plans.privacy: its
    rows and its cached copies); then the account's sessions, wherever it is
    signed in; then the account itself, which takes its email addresses,
    passkeys, sign-in records and mentor profile (with its invites and the
    people who shared with it) by cascade.
    """
    # Plans build on accounts; deleting an account is the one way back.
    from plans import privacy

    for plan in user.plans.all():
        privacy.plan_delete(plan=plan)
    user_id = str(user.pk)
    live = Session.objects.filter(expire_date__gte=timezone.now())
    Session.objects.filter(
        session_key__in=[
            s.session_key
            for s in live.iterator()
            if s.get_decoded().get("_auth_user_id") == user_id
        ]
    ).delete()
    User.objects.filter(pk=user.pk).delete()


def users_delete_unconfirmed(*, older_than: datetime.timedelta) -> int:
    """Remove accounts that were asked for but never signed in to.

    An address typed by mistake makes an account (see
    user_get_or_create_for_code); without its code nobody can use it, so it
    goes after a while. Staff and anyone who ever signed in or verified an
    address are never touched.
    """
    verified = EmailAddress.objects.filter(user=OuterRef("pk"), verified=True)
    _, deleted = (
        User.objects.filter(
            last_login__isnull=True,
            is_staff=False,
            is_superuser=False,
            date_joined__lt=timezone.now() - older_than,
        )
        .exclude(Exists(verified))
        .delete()
    )
    return deleted.get(User._meta.label, 0)
