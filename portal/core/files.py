"""Private files: evidence people upload (fund receipts and quotes, work-experience risk
assessments and insurance certificates; docs/architecture.md "Private files" lists them and says
how to add one). One place for how such a file is stored, checked and handed out.

- Stored by the ``private`` storage (``STORAGES["private"]``): on disk under
  ``PRIVATE_MEDIA_ROOT``, outside ``MEDIA_ROOT`` and with no URL, so neither ``/media/`` in
  development nor a web server's media alias can reach it. ``storage.url()`` raises.
- Named ``<folder>/<32 random hex digits><.ext>`` (``UnguessableName``): never the uploaded name
  or anything derived from the record, and only a short alphanumeric extension is kept.
- Declared with ``PrivateFileField(folder=...)``; deleting the record deletes its file once the
  transaction commits.
- Saved only through ``private_file_replace``: checks type (extension *and* first bytes) and size
  against a ``FileRule`` (``private_file_validate``), calls the virus-scan hook, saves, and
  deletes the file it replaces once the transaction commits.
- Virus-scan hook: ``PRIVATE_FILES_VIRUS_SCANNER`` names a function ``scanner(file, *, label)``
  called on every upload before it is stored. It raises ``ValidationError`` with a message for the
  person to refuse the file. The default, ``virus_scan_log_only``, scans nothing and logs that.
  ``virus_scan_eicar_test`` (tests and demonstrations only) refuses the EICAR test file.
- Handed out only by a view that first loads the record through the same selector as the
  record's page (so whoever may not see the page gets a 404), then returns
  ``private_file_response(...)``: the file as an attachment, ``nosniff``, ``Cache-Control:
  private, no-store``. With ``PRIVATE_FILES_ACCEL_REDIRECT`` set (nginx in front), the response
  is empty with an ``X-Accel-Redirect`` header and nginx sends the file from an ``internal``
  location; otherwise Django streams it.
"""

from __future__ import annotations

import logging
import mimetypes
import re
import uuid
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path, PurePosixPath
from typing import Any
from urllib.parse import quote

from django.conf import settings
from django.core import checks
from django.core.exceptions import ValidationError
from django.core.files.storage import FileSystemStorage, storages
from django.db import models, transaction
from django.db.models.signals import post_delete
from django.http import FileResponse, Http404, HttpResponse
from django.utils.deconstruct import deconstructible
from django.utils.functional import cached_property
from django.utils.http import content_disposition_header
from django.utils.module_loading import import_string

logger = logging.getLogger(__name__)

PRIVATE_STORAGE = "private"
_SAFE_EXTENSION = re.compile(r"\.[a-z0-9]{1,8}")


# --- storage ----------------------------------------------------------------------------------


class PrivateFileSystemStorage(FileSystemStorage):
    """Files under ``PRIVATE_MEDIA_ROOT`` (read when first used, so tests can move it). No URL."""

    def __init__(self, location=None, **kwargs):
        kwargs.pop("base_url", None)  # a private file has no public address
        self._private_location = location
        super().__init__(location=location, **kwargs)

    @cached_property
    def base_location(self):
        return self._value_or_setting(self._private_location, settings.PRIVATE_MEDIA_ROOT)

    def _clear_cached_properties(self, setting, **kwargs):
        super()._clear_cached_properties(setting, **kwargs)
        if setting == "PRIVATE_MEDIA_ROOT":
            self.__dict__.pop("base_location", None)
            self.__dict__.pop("location", None)

    def url(self, name):
        raise ValueError(
            "Private files have no public address: link to "
            "the view that checks who may see the record."
        )


def private_storage():
    """The storage every ``PrivateFileField`` uses (``STORAGES["private"]``)."""
    return storages[PRIVATE_STORAGE]


@deconstructible
class UnguessableName:
    """``upload_to``: ``<folder>/<uuid4 hex><.ext>``, keeping only a short alphanumeric
    extension."""

    def __init__(self, folder: str):
        self.folder = folder.strip("/")

    def __call__(self, instance, filename: str) -> str:
        return f"{self.folder}/{uuid.uuid4().hex}{safe_extension(filename)}"

    def __eq__(self, other) -> bool:
        return isinstance(other, UnguessableName) and other.folder == self.folder

    def __hash__(self) -> int:
        return hash(self.folder)


def safe_extension(filename: str) -> str:
    suffix = PurePosixPath(filename or "").suffix.lower()
    return suffix if _SAFE_EXTENSION.fullmatch(suffix) else ""


class PrivateFileField(models.FileField):
    """A file only the record's own views hand out. ``folder`` names the kind of evidence."""

    def __init__(self, *args, folder: str | None = None, **kwargs):
        if folder is not None:
            kwargs["upload_to"] = UnguessableName(folder)
        kwargs["storage"] = private_storage
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        kwargs.pop("storage", None)  # always the private storage
        return name, path, args, kwargs

    def contribute_to_class(
        self, cls: type[models.Model], name: str, private_only: bool = False, **kwargs: Any
    ) -> None:
        super().contribute_to_class(cls, name, private_only=private_only, **kwargs)
        if not cls._meta.abstract:
            post_delete.connect(self._delete_file_after_commit, sender=cls)

    def _delete_file_after_commit(self, sender, instance, **kwargs) -> None:
        name = getattr(instance, self.attname).name
        if name:
            transaction.on_commit(partial(private_file_delete, storage=self.storage, name=name))


def private_file_delete(*, storage, name: str) -> None:
    """Delete a stored file; a file already gone is not an error."""
    try:
        storage.delete(name)
    except FileNotFoundError:
        pass
    except OSError:
        logger.exception("Could not delete private file %s", name)


# --- validation and the virus-scan hook -------------------------------------------------------


PDF = {".pdf": b"%PDF"}
JPEG_OR_PNG = {".jpg": b"\xff\xd8\xff", ".jpeg": b"\xff\xd8\xff", ".png": b"\x89PNG\r\n\x1a\n"}
# Word: .docx is a ZIP package, .doc an OLE2 compound file.
WORD = {".docx": b"PK\x03\x04", ".doc": b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"}


@dataclass(frozen=True)
class FileRule:
    """What a kind of evidence may be: ``types`` maps an extension to the bytes the file starts
    with."""

    noun: str  # "receipt": "Select the receipt to upload", "The receipt must be …"
    types: dict[str, bytes] = field(default_factory=lambda: {**PDF, **JPEG_OR_PNG})
    types_text: str = "a PDF, JPG or PNG"
    max_bytes: int = 10 * 1024 * 1024

    @property
    def size_text(self) -> str:
        return f"{self.max_bytes // (1024 * 1024)}MB"


def private_file_validate(upload, *, rule: FileRule) -> None:
    """Type (the extension and the first bytes agree) and size, with messages a person can act
    on."""
    if upload is None:
        raise ValidationError(f"Select the {rule.noun} to upload")
    suffix = PurePosixPath((getattr(upload, "name", "") or "").lower()).suffix
    if suffix not in rule.types:
        raise ValidationError(f"The {rule.noun} must be {rule.types_text}")
    if upload.size == 0:
        raise ValidationError("The selected file is empty")
    if upload.size > rule.max_bytes:
        raise ValidationError(f"The {rule.noun} must be smaller than {rule.size_text}")
    upload.seek(0)
    head = upload.read(len(rule.types[suffix]))
    upload.seek(0)
    if head != rule.types[suffix]:
        raise ValidationError(f"The {rule.noun} must be {rule.types_text}")


def virus_scan(upload, *, label: str) -> None:
    """Call the scanner named by ``PRIVATE_FILES_VIRUS_SCANNER``; it raises ValidationError to
    refuse."""
    scanner = import_string(settings.PRIVATE_FILES_VIRUS_SCANNER)
    upload.seek(0)
    try:
        scanner(upload, label=label)
    finally:
        upload.seek(0)


def virus_scan_log_only(upload, *, label: str) -> None:
    """The default scanner: scans nothing. Point ``PRIVATE_FILES_VIRUS_SCANNER`` at a real one
    (e.g. a function sending the bytes to clamd's INSTREAM) before accepting files from the
    public."""
    logger.info(
        "Not scanned for viruses (PRIVATE_FILES_VIRUS_SCANNER is the log-only default): %s", label
    )


#: The EICAR anti-virus test file: harmless, and recognised as a virus by every scanner.
EICAR = rb"X5O!P%@AP[4\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*"


def virus_scan_eicar_test(upload, *, label: str) -> None:
    """A scanner for tests and demonstrations, NOT protection: refuses any file containing the
    EICAR test string and accepts everything else. Lets a test (or a person trying the service)
    see what a refused upload looks like without a real scanner running."""
    content = upload.read()
    if EICAR in content:
        logger.warning("Upload refused by the EICAR test scanner: %s", label)
        raise ValidationError(
            "The selected file contains a virus. Check your computer, then upload a clean copy"
        )


# --- saving -----------------------------------------------------------------------------------


def private_file_replace(*, instance: models.Model, field_name: str, upload, rule: FileRule) -> str:
    """Check ``upload`` and store it as ``instance.<field_name>`` (the row itself is not saved).

    Call it inside the service's ``transaction.atomic()``: the file it replaces is deleted once
    that transaction commits. Returns the new file's name; if the transaction then fails, the
    service deletes that file with ``private_file_delete``.
    """
    private_file_validate(upload, rule=rule)
    field_file = getattr(instance, field_name)
    virus_scan(upload, label=f"{instance._meta.label} {instance.pk} {field_name}")
    old_name = field_file.name
    field_file.save(upload.name, upload, save=False)
    if old_name and old_name != field_file.name:
        transaction.on_commit(
            partial(private_file_delete, storage=field_file.storage, name=old_name)
        )
    return field_file.name


# --- serving ----------------------------------------------------------------------------------


def private_file_response(field_file, *, download_name: str) -> HttpResponse | FileResponse:
    """The file as a download. Call it only after loading the record through the selector that
    decides who may see it. With ``PRIVATE_FILES_ACCEL_REDIRECT`` set, nginx sends the bytes."""
    if not field_file:
        raise Http404("No file")
    content_type = mimetypes.guess_type(field_file.name)[0] or "application/octet-stream"
    prefix = settings.PRIVATE_FILES_ACCEL_REDIRECT
    response: HttpResponse | FileResponse
    if prefix:
        response = HttpResponse(content_type=content_type)
        response["X-Accel-Redirect"] = f"{prefix.rstrip('/')}/{quote(field_file.name)}"
    else:
        try:
            handle = field_file.storage.open(field_file.name, "rb")
        except FileNotFoundError:
            logger.warning("Private file missing from storage: %s", field_file.name)
            raise Http404("No file") from None
        response = FileResponse(handle, content_type=content_type)
    disposition = content_disposition_header(as_attachment=True, filename=download_name)
    if disposition:  # always, for an attachment
        response["Content-Disposition"] = disposition
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


# --- start-up check ---------------------------------------------------------------------------


@checks.register(checks.Tags.security)
def private_media_root_check(app_configs=None, **kwargs):
    """PRIVATE_MEDIA_ROOT must not be inside a folder that is served publicly."""
    private = Path(settings.PRIVATE_MEDIA_ROOT).resolve()
    problems = []
    for setting in ("MEDIA_ROOT", "STATIC_ROOT"):
        public = getattr(settings, setting, None)
        if public and (
            private == Path(public).resolve() or Path(public).resolve() in private.parents
        ):
            problems.append(
                checks.Error(
                    f"PRIVATE_MEDIA_ROOT ({private}) is inside "
                    f"{setting} ({public}), which is served publicly.",
                    hint="Keep uploaded evidence in a folder no web server serves.",
                    id="core.E010",
                )
            )
    return problems
