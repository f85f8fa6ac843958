"""Uploaded files no larger than FILE_UPLOAD_MAX_BYTES, for every form of the site.

Django writes an upload of any size to a temporary file before a form sees it. The first of
FILE_UPLOAD_HANDLERS, `CappedUploadHandler` passes a file's bytes on to Django's handlers
until the limit, then drops the rest as it arrives, and hands the form an `OversizedUpload`:
no content, the size that was sent. A form with its own, smaller, limit (the feed import)
says so with its own message; for others the empty file fails their validation.
"""

import io

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.core.files.uploadhandler import FileUploadHandler


class OversizedUpload(UploadedFile):
    """A file larger than the limit, kept as its name and `size` only."""

    def __init__(self, name, content_type, size, charset):
        super().__init__(io.BytesIO(), name, content_type, size, charset)


class CappedUploadHandler(FileUploadHandler):
    """Stops storing a file past FILE_UPLOAD_MAX_BYTES (see the module's docstring)."""

    def new_file(self, *args, **kwargs):
        super().new_file(*args, **kwargs)
        self.received = 0

    def receive_data_chunk(self, raw_data, start):
        self.received += len(raw_data)
        if self.received > settings.FILE_UPLOAD_MAX_BYTES:
            return None  # the next handlers never see it
        return raw_data

    def file_complete(self, file_size):
        if self.received > settings.FILE_UPLOAD_MAX_BYTES:
            return OversizedUpload(self.file_name, self.content_type, self.received, self.charset)
        return None  # the next handler gives the file
