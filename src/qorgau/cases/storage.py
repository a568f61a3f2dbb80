"""Private storage for case documents: under the data directory, never under a served URL."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.files.storage import FileSystemStorage, storages


class PrivateStorage(FileSystemStorage):
    """A file system storage without URLs: files leave it only through an access-checked view."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs["base_url"] = None
        kwargs.setdefault("location", settings.MEDIA_ROOT / "private")
        super().__init__(**kwargs)

    def url(self, name: str | None) -> str:
        raise NotImplementedError("Private files have no URL; serve them through a checked view.")


def private_storage() -> FileSystemStorage:
    storage = storages["private"]
    assert isinstance(storage, FileSystemStorage)
    return storage
