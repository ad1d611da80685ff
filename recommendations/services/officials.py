"""Officials' accounts: a staff user linked to the one owner they answer for."""

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission, User
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils.translation import gettext as _

from recommendations.models import Official, Owner
from recommendations.rules.permissions import OFFICIAL_PERMISSIONS, OFFICIALS_GROUP


def officials_group() -> Group:
    """The officials' group with exactly the model permissions the admin needs to show them."""
    group, _created = Group.objects.get_or_create(name=OFFICIALS_GROUP)
    group.permissions.set(
        Permission.objects.filter(
            content_type__app_label="recommendations", codename__in=OFFICIAL_PERMISSIONS
        )
    )
    return group


def create_official(*, email: str, owner: Owner) -> User:
    """A staff account for an official of `owner`, with no usable password yet: they choose one
    through a one-time link, so no password ever travels by e-mail or chat."""
    email = email.strip().lower()
    validate_email(email)
    user_model = get_user_model()
    if (
        user_model.objects.filter(username__iexact=email).exists()
        or user_model.objects.filter(email__iexact=email).exists()
    ):
        raise ValidationError(
            {"email": _("An account for %(email)s already exists.") % {"email": email}}
        )
    with transaction.atomic():
        user = user_model(username=email, email=email)
        # Unusable, and unguessable until they set their own.
        user.set_unusable_password()
        user.save()
        Official.objects.create(user=user, owner=owner)
        enrol_official(user)
    return user


def enrol_official(user: User) -> None:
    """What makes a linked user an official in the admin: staff status and the officials' group
    (the admin's Officials page links existing users through this too)."""
    if not user.is_staff:
        user.is_staff = True
        user.save(update_fields=["is_staff"])
    user.groups.add(officials_group())
