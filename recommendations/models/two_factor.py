import hashlib
import hmac
import secrets
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from django.contrib.auth.models import User

# Twelve characters from 32 (60 bits): guessing one through the login form is hopeless under the
# lockout, and a stolen table holds only salted hashes of numbers that large.
RECOVERY_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"
RECOVERY_CODE_LENGTH = 12


def hash_recovery_code(code: str, *, salt: str) -> str:
    return hashlib.sha256(f"{salt}:{normalise_recovery_code(code)}".encode()).hexdigest()


def normalise_recovery_code(code: str) -> str:
    # Shown as abcd-efgh-jkmn; typed with or without the dashes, in either case.
    return "".join(code.split()).replace("-", "").lower()


class RecoveryCodeQuerySet(models.QuerySet):
    def unused(self) -> "RecoveryCodeQuerySet":
        return self.filter(used_at__isnull=True)


class RecoveryCode(models.Model):
    """One single-use recovery code of a user, stored as a salted hash: the code itself is shown
    once, when it is made, and nowhere kept."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="recovery_codes",
        verbose_name=_("user"),
    )
    salt = models.CharField(max_length=32)
    code_hash = models.CharField(max_length=64)
    created_at = models.DateTimeField(auto_now_add=True)
    used_at = models.DateTimeField(null=True, blank=True)

    objects = RecoveryCodeQuerySet.as_manager()

    class Meta:
        ordering = ["user", "pk"]
        verbose_name = _("recovery code")
        verbose_name_plural = _("recovery codes")

    def __str__(self) -> str:
        return f"{self.user} #{self.pk}"

    @classmethod
    def generate(cls) -> str:
        raw = "".join(secrets.choice(RECOVERY_ALPHABET) for _ in range(RECOVERY_CODE_LENGTH))
        return "-".join(raw[i : i + 4] for i in range(0, RECOVERY_CODE_LENGTH, 4))

    @classmethod
    def hashed(cls, *, user: "User", code: str) -> "RecoveryCode":
        salt = secrets.token_hex(16)
        return cls(user=user, salt=salt, code_hash=hash_recovery_code(code, salt=salt))

    def matches(self, code: str) -> bool:
        return hmac.compare_digest(self.code_hash, hash_recovery_code(code, salt=self.salt))


class UsedTotpStep(models.Model):
    """A time step whose code an authenticator app has already given at sign-in. The database,
    not one worker's memory, remembers it: the unique constraint lets exactly one of two
    requests with the same code through, whichever worker or server they reach."""

    authenticator = models.ForeignKey(
        "mfa.Authenticator",
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("authenticator"),
    )
    time_step = models.PositiveBigIntegerField()
    used_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["authenticator", "time_step"]
        verbose_name = _("used authenticator code")
        verbose_name_plural = _("used authenticator codes")
        constraints = [
            models.UniqueConstraint(
                fields=["authenticator", "time_step"], name="totp_code_used_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.authenticator_id} @{self.time_step}"
