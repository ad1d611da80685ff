"""Backups as one JSON file (gzip when its name ends in .gz) holding every row that matters.

Whole apps are dumped, so models added later come along without touching this module. Left out
are the rows `migrate` creates by itself (content types, permissions) and sessions; rows that
point at content types or permissions name them by natural key, because their ids differ from
one database to the next. Every other row keeps its primary key, so links, history and URLs come
back as they were.
"""

import datetime
import gzip
import hashlib
import io
import os
import tarfile
import tempfile
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

from django.apps import apps
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.core import serializers
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.core.management.color import no_style
from django.core.serializers.json import DjangoJSONEncoder
from django.core.serializers.json import Serializer as JSONSerializer
from django.db import DatabaseError, connection, transaction
from django.db.models import ForeignKey, ManyToManyField, Model
from django.test.utils import override_settings

from recommendations.models import EditionFile, SignInLink, Subscription

NOT_BACKED_UP_APPS = {"contenttypes", "sessions"}
# E-mail alerts are kept only with their subscribers' consent: a backup would bring back, on
# restore, addresses unsubscribed since. A restore leaves the current subscriptions as they are.
# A sign-in link lives 30 minutes and works once: a restored one would be of no use to anyone.
NOT_BACKED_UP_MODELS = {Permission, Subscription, SignInLink}
NAMED_BY_NATURAL_KEY = {ContentType, Permission}
# Rows that migrations create (the role groups): a freshly migrated database holds them and still
# counts as empty; the restore replaces them with the backup's own.
CREATED_BY_MIGRATIONS = {Group}
SUFFIXES = (".json", ".json.gz")


class BackupError(Exception):
    """A backup or restore that cannot go ahead; the message says what to do."""


def backed_up_models() -> list[type[Model]]:
    """Every concrete model a backup holds, parents before the rows that point at them."""
    app_list = {
        config: None
        for config in apps.get_app_configs()
        if config.label not in NOT_BACKED_UP_APPS and config.models_module is not None
    }
    return [
        model
        for model in serializers.sort_dependencies(app_list.items(), allow_cycles=True)
        if model not in NOT_BACKED_UP_MODELS
        and model._meta.managed
        and not model._meta.proxy
        and model._meta.app_config.label not in NOT_BACKED_UP_APPS
    ]


class FullPrecisionEncoder(DjangoJSONEncoder):
    # Django's encoder cuts times to milliseconds; a restore must give back the very same values.
    def default(self, o: object) -> Any:
        if isinstance(o, datetime.datetime | datetime.time):
            return o.isoformat()
        return super().default(o)


class BackupSerializer(JSONSerializer):
    """Plain primary keys everywhere except for content types and permissions.

    A history row may point at a row deleted since (simple-history keeps no constraint there):
    a primary key survives that, where looking up a natural key would fail.
    """

    def handle_fk_field(self, obj: Model, field: "ForeignKey[Any, Any]") -> None:
        self._with_natural_keys_for(field, super().handle_fk_field, obj)

    def handle_m2m_field(self, obj: Model, field: "ManyToManyField[Any, Any]") -> None:
        self._with_natural_keys_for(field, super().handle_m2m_field, obj)

    def _with_natural_keys_for(
        self,
        field: "ForeignKey[Any, Any] | ManyToManyField[Any, Any]",
        handle: Callable[[Model, Any], None],
        obj: Model,
    ) -> None:
        self.use_natural_foreign_keys = field.remote_field.model in NAMED_BY_NATURAL_KEY
        handle(obj, field)


def files_archive(path: Path) -> Path:
    """The published reports' files travel beside the backup, in a tar archive named after it:
    tracker-2026-01-31.json.gz -> tracker-2026-01-31.files.tar."""
    stem = path.name.removesuffix(".gz").removesuffix(".json")
    return path.with_name(f"{stem}.files.tar")


def write_published_files(path: Path) -> int:
    """Copy every published edition's files from the storage into the archive beside `path`;
    the number of files (no archive when there are none)."""
    stored = list(EditionFile.objects.order_by("pk"))
    archive = files_archive(path)
    if not stored:
        archive.unlink(missing_ok=True)
        return 0
    temporary = archive.with_name(f".{archive.name}.tmp")
    with tarfile.open(temporary, "w") as tar:
        for record in stored:
            with record.file.open("rb") as source:
                content = source.read()
            info = tarfile.TarInfo(str(record.file.name))
            info.size = len(content)
            tar.addfile(info, io.BytesIO(content))
    os.replace(temporary, archive)
    return len(stored)


def restore_published_files(path: Path) -> None:
    """Put the published files back into the storage from the archive beside `path`, each
    checked against its recorded SHA-256; a file already stored with that digest is kept."""
    expected = {str(record.file.name): record.sha256 for record in EditionFile.objects.all()}
    if not expected:
        return
    archive = files_archive(path)
    if not archive.is_file():
        raise BackupError(
            f"{path}: the backup has published reports, but their files ({archive}) are "
            "missing; put that file beside the backup."
        )
    with tarfile.open(archive, "r") as tar:
        for member in tar.getmembers():
            if member.name not in expected or not member.isfile():
                continue
            extracted = tar.extractfile(member)
            content = extracted.read() if extracted else b""
            if hashlib.sha256(content).hexdigest() != expected[member.name]:
                raise BackupError(f"{archive}: {member.name} does not match its SHA-256.")
            if default_storage.exists(member.name):
                with default_storage.open(member.name, "rb") as present:
                    if hashlib.sha256(present.read()).hexdigest() == expected[member.name]:
                        continue
                default_storage.delete(member.name)
            default_storage.save(member.name, ContentFile(content))
            del expected[member.name]
    missing = [name for name in expected if not default_storage.exists(name)]
    if missing:
        raise BackupError(f"{archive}: holds no copy of {', '.join(missing[:5])}.")


def check_file_name(path: Path) -> None:
    if not path.name.endswith(SUFFIXES):
        raise BackupError(
            f"{path}: name the backup file …{SUFFIXES[0]} or …{SUFFIXES[1]} (gzip-compressed)."
        )


class Counter:
    total = 0

    def count(self, objects: Iterable[Model]) -> Iterator[Model]:
        for obj in objects:
            self.total += 1
            yield obj


def objects_to_back_up() -> Iterator[Model]:
    for model in backed_up_models():
        yield from model._default_manager.order_by("pk").iterator(chunk_size=2000)


def write_backup(path: Path) -> int:
    """Write every backed-up row to `path` (replaced only once complete); return the row count."""
    path = Path(path)
    check_file_name(path)
    counter = Counter()
    directory = path.resolve().parent
    if not directory.is_dir():
        raise BackupError(f"{path}: the folder {directory} does not exist.")
    descriptor, temporary = tempfile.mkstemp(dir=directory, prefix=f".{path.name}.", suffix=".tmp")
    os.close(descriptor)
    try:
        opener = gzip.open if path.name.endswith(".gz") else open
        outermost = not connection.in_atomic_block
        with opener(temporary, "wt", encoding="utf-8") as stream, transaction.atomic():
            if connection.vendor == "postgresql" and outermost:
                # One snapshot for all tables: rows written during the backup cannot tear it.
                with connection.cursor() as cursor:
                    cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
            BackupSerializer().serialize(
                counter.count(objects_to_back_up()),
                stream=stream,
                use_natural_foreign_keys=True,
                cls=FullPrecisionEncoder,
            )
        # The files first: a backup that exists is complete.
        write_published_files(path)
        os.replace(temporary, path)
    finally:
        if os.path.exists(temporary):
            os.remove(temporary)
    return counter.total


def non_empty_models() -> list[type[Model]]:
    try:
        return [
            model
            for model in backed_up_models()
            if model not in CREATED_BY_MIGRATIONS and model._default_manager.exists()
        ]
    except DatabaseError as error:
        raise BackupError(
            f"The database is not ready ({error}). Run `python manage.py migrate` first."
        ) from error


def empty_backed_up_tables() -> None:
    tables = [
        model._meta.db_table
        for model in apps.get_models(include_auto_created=True)
        if model._meta.managed
        and not model._meta.proxy
        and model._meta.app_config.label not in NOT_BACKED_UP_APPS
        and model not in NOT_BACKED_UP_MODELS
    ]
    # Sessions would outlive the accounts they belong to, and sign-in links the contacts they
    # were mailed to.
    tables.append(apps.get_model("sessions", "Session")._meta.db_table)
    tables.append(SignInLink._meta.db_table)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # TRUNCATE refuses to run while rows written earlier in the same transaction still
            # await their deferred foreign-key checks: run those checks now.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        for sql in connection.ops.sql_flush(no_style(), tables):
            cursor.execute(sql)
        if connection.vendor == "postgresql":
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")


def restore_backup(path: Path, *, force: bool = False) -> int:
    """Load a backup into an empty database (or replace everything with `force`), all or nothing."""
    path = Path(path)
    check_file_name(path)
    if not path.is_file():
        raise BackupError(f"{path}: no such file.")
    with transaction.atomic():
        occupied = non_empty_models()
        if occupied and not force:
            names = ", ".join(model._meta.label for model in occupied[:5])
            raise BackupError(
                f"The database already holds data ({names}…): restore into an empty, migrated "
                "database, or add --force to replace everything in it with the backup."
            )
        empty_backed_up_tables()
        # Loading rows is not editing them: simple-history would otherwise add a history row for
        # every many-to-many link it sees being set.
        with override_settings(SIMPLE_HISTORY_ENABLED=False):
            try:
                call_command("loaddata", str(path), verbosity=0)
            except Exception as error:
                raise BackupError(f"{path}: cannot be restored: {error}") from error
        restore_published_files(path)
    return sum(model._default_manager.count() for model in backed_up_models())
