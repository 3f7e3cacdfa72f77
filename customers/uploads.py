"""Ticket attachments: images or PDF, at most 5 MB each and 5 per message.

The type is read from the file's first bytes, never trusted from its name or the browser's
content type, so a renamed executable is refused."""

from django.utils.translation import gettext as _

from .errors import InvalidAttachment

MAX_ATTACHMENT_BYTES = 5 * 1024 * 1024
MAX_ATTACHMENTS = 5

# (leading bytes, content type, allowed extensions)
_SIGNATURES = [
    (b"%PDF-", "application/pdf", {"pdf"}),
    (b"\x89PNG\r\n\x1a\n", "image/png", {"png"}),
    (b"\xff\xd8\xff", "image/jpeg", {"jpg", "jpeg"}),
    (b"GIF87a", "image/gif", {"gif"}),
    (b"GIF89a", "image/gif", {"gif"}),
]


def sniff(head: bytes):
    for magic, content_type, extensions in _SIGNATURES:
        if head.startswith(magic):
            return content_type, extensions
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image/webp", {"webp"}
    return None, set()


def validate_attachments(files):
    """Check every file and return [(file, safe_name, content_type)]; raise InvalidAttachment
    (field "attachments") naming the first bad file before anything is stored."""
    files = [f for f in (files or ()) if f]
    if len(files) > MAX_ATTACHMENTS:
        raise InvalidAttachment(_("Attach at most %(n)d files.") % {"n": MAX_ATTACHMENTS}, field="attachments")
    checked = []
    for f in files:
        name = (getattr(f, "name", "") or "file").replace("\\", "/").rsplit("/", 1)[-1][:150] or "file"
        size = getattr(f, "size", None) or 0
        if size <= 0:
            raise InvalidAttachment(_("“%(name)s” is empty.") % {"name": name}, field="attachments")
        if size > MAX_ATTACHMENT_BYTES:
            raise InvalidAttachment(_("“%(name)s” is larger than 5 MB.") % {"name": name}, field="attachments")
        f.seek(0)
        head = f.read(16)
        f.seek(0)
        content_type, extensions = sniff(head)
        extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""
        if content_type is None or extension not in extensions:
            raise InvalidAttachment(
                _("“%(name)s” is not an image (JPEG, PNG, GIF, WebP) or a PDF.") % {"name": name}, field="attachments")
        checked.append((f, name, content_type))
    return checked
