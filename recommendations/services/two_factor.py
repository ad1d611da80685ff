"""Second factors: recovery codes made and used, and the secretariat's reset for a lost device.

The authenticators themselves (authenticator apps, security keys) are django-allauth's
`Authenticator` rows; recovery codes are the tracker's own, so that they are stored hashed
(allauth keeps a seed they can be regenerated from, to show them again)."""

import logging

from allauth.account.models import EmailAddress
from allauth.core.internal.cryptokit import compare_user_code
from allauth.mfa import app_settings as mfa_settings
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import (
    format_hotp_value,
    hotp_value,
    yield_hotp_counters_from_time,
)
from allauth.mfa.utils import decrypt
from django.contrib.auth.models import User
from django.db import IntegrityError, transaction
from django.utils import timezone

from recommendations.models import Official, RecoveryCode
from recommendations.models.two_factor import UsedTotpStep

RECOVERY_CODE_COUNT = 10

log = logging.getLogger("tracker.sign_in")


def has_second_factor(user: User) -> bool:
    return Authenticator.objects.filter(
        user=user, type__in=[Authenticator.Type.TOTP, Authenticator.Type.WEBAUTHN]
    ).exists()


@transaction.atomic
def new_recovery_codes(*, user: User) -> list[str]:
    """Replace the user's recovery codes with fresh ones and return them, for showing once."""
    RecoveryCode.objects.filter(user=user).delete()
    codes = [RecoveryCode.generate() for _ in range(RECOVERY_CODE_COUNT)]
    RecoveryCode.objects.bulk_create([RecoveryCode.hashed(user=user, code=c) for c in codes])
    log.info("recovery codes issued user=%s", user.get_username())
    return codes


@transaction.atomic
def use_recovery_code(*, user: User, code: str) -> bool:
    """True once for each of the user's codes: a used code is marked, and never works again.
    The rows are locked so two sign-ins racing with one code cannot both pass."""
    for recovery_code in RecoveryCode.objects.unused().filter(user=user).select_for_update():
        if recovery_code.matches(code):
            recovery_code.used_at = timezone.now()
            recovery_code.save(update_fields=["used_at"])
            log.info("recovery code used user=%s", user.get_username())
            return True
    return False


@transaction.atomic
def vouch_for_own_address(*, user: User) -> None:
    """Count the account's own address as verified and drop any other unverified one, so that
    allauth lets the official add a second factor: it refuses while an address is unverified,
    and files the account's address as unverified whenever it meets it unrecorded (a password
    reset requested by anyone, its e-mail page). Recorded as verified, the address is never
    filed again. It is the one the secretariat made the account with; officials cannot add
    others."""
    addresses = EmailAddress.objects.filter(user=user)
    # Another account's verified address cannot be this one's too (allauth's UNIQUE_EMAIL).
    taken = (
        EmailAddress.objects.filter(email__iexact=user.email, verified=True)
        .exclude(user=user)
        .exists()
    )
    recorded = addresses.filter(email__iexact=user.email)
    if user.email and not taken and not recorded.update(verified=True):
        EmailAddress.objects.create(
            user=user,
            email=user.email,
            verified=True,
            primary=not addresses.filter(primary=True).exists(),
        )
    addresses.filter(verified=False).delete()


def spend_totp_code(*, authenticator: Authenticator, code: str) -> bool:
    """True once for a code of the authenticator app within its time window: the time step it
    belongs to is recorded, and a second use of it, by any worker or server, is refused.
    allauth's own check remembers used codes in the cache, which without a shared one is each
    worker's memory."""
    secret = decrypt(authenticator.data["secret"])
    for step in yield_hotp_counters_from_time():
        if compare_user_code(actual=code, expected=format_hotp_value(hotp_value(secret, step))):
            break
    else:
        return False
    try:
        with transaction.atomic():
            UsedTotpStep.objects.create(authenticator=authenticator, time_step=step)
    except IntegrityError:
        log.warning("authenticator code used again user_id=%s", authenticator.user_id)
        return False
    # Steps behind the tolerance window can never be given again: forget them.
    oldest = step - 2 * mfa_settings.TOTP_TOLERANCE
    UsedTotpStep.objects.filter(authenticator=authenticator, time_step__lt=oldest).delete()
    return True


@transaction.atomic
def reset_second_factor(*, user: User, by: User | None, via: str) -> int:
    """Remove every second factor and recovery code of `user` (a lost device); they enrol again
    at their next sign-in. Recorded in the official's history with who reset it and how.
    Returns how many authenticators were removed."""
    removed, _ = Authenticator.objects.filter(user=user).delete()
    RecoveryCode.objects.filter(user=user).delete()
    official = Official.objects.filter(user=user).first()
    if official is not None:
        official.second_factor_reset_at = timezone.now()
        official._history_user = by  # type: ignore[attr-defined]
        official._change_reason = f"Second factor reset ({via})"  # type: ignore[attr-defined]
        official.save(update_fields=["second_factor_reset_at"])
    log.warning(
        "second factor reset user=%s by=%s via=%s authenticators=%d",
        user.get_username(),
        by.get_username() if by else "-",
        via,
        removed,
    )
    return removed
