"""Logos for white-label branding: a data URL (or an uploaded file) holding a PNG, JPEG or SVG
under WHITELABEL_LOGO_MAX_BYTES (512 KB). SVGs are parsed with defusedxml (no entities, no DTDs)
and sanitised: scripts, event handlers, animations, foreign objects and every external reference
are removed, leaving a picture that cannot run code or fetch anything."""

import base64
import binascii
import re
from urllib.parse import unquote_to_bytes
from xml.etree import ElementTree as ET  # serialising only: every parse goes through defusedxml

from defusedxml import ElementTree as SafeET
from django.conf import settings

from config.api.errors import InvalidInput

DATA_URL = re.compile(r"^data:(?P<type>[\w.+/-]+)(?P<params>(;[\w-]+=[\w.-]+)*)(?P<b64>;base64)?,(?P<data>.*)$", re.S)
TYPES = {"image/png": "image/png", "image/jpeg": "image/jpeg", "image/jpg": "image/jpeg", "image/svg+xml": "image/svg+xml"}
SVG_NS = "http://www.w3.org/2000/svg"
XLINK_NS = "http://www.w3.org/1999/xlink"
# Elements that run code, embed other documents or change attributes over time (animate can
# rewrite an href into javascript:).
FORBIDDEN = {"script", "foreignobject", "iframe", "embed", "object", "audio", "video", "animate", "set",
             "animatemotion", "animatetransform", "animatecolor", "handler", "listener", "discard"}
EXTERNAL = re.compile(r"url\s*\(\s*['\"]?\s*(?!#)|@import|javascript:|expression\s*\(|behavior\s*:", re.I)
SAFE_EMBEDDED = re.compile(r"^data:image/(png|jpeg|gif|webp);base64,[a-z0-9+/=\s]*$", re.I)


def field_error(message):
    return InvalidInput.field("logo", message)


def clean_logo(value):
    """A normalised `data:<type>;base64,...` URL, or "" to remove the logo."""
    if value in (None, ""):
        return ""
    if hasattr(value, "read"):  # a multipart upload
        raw = value.read(settings.WHITELABEL_LOGO_MAX_BYTES + 1)
        media_type = TYPES.get((getattr(value, "content_type", "") or "").split(";")[0].lower()) or _sniff(raw)
    elif isinstance(value, str):
        media_type, raw = _decode(value.strip())
    else:
        raise field_error("must be a data URL (data:image/png;base64,...) or an uploaded file")
    if len(raw) > settings.WHITELABEL_LOGO_MAX_BYTES:
        raise field_error(f"must be smaller than {settings.WHITELABEL_LOGO_MAX_BYTES // 1024} KB")
    if not raw:
        raise field_error("is empty")
    if media_type == "image/svg+xml":
        raw = sanitize_svg(raw)
    elif media_type == "image/png" and not raw.startswith(b"\x89PNG\r\n\x1a\n"):
        raise field_error("is not a valid PNG image")
    elif media_type == "image/jpeg" and not raw.startswith(b"\xff\xd8\xff"):
        raise field_error("is not a valid JPEG image")
    elif media_type not in TYPES.values():
        raise field_error("must be a PNG, JPEG or SVG image")
    return f"data:{media_type};base64,{base64.b64encode(raw).decode()}"


def _decode(text):
    match = DATA_URL.match(text)
    if not match:
        raise field_error("must be a data URL (data:image/png;base64,...)")
    media_type = TYPES.get(match.group("type").lower())
    if media_type is None:
        raise field_error("must be a PNG, JPEG or SVG image")
    data = match.group("data")
    if len(data) > settings.WHITELABEL_LOGO_MAX_BYTES * 2:
        raise field_error(f"must be smaller than {settings.WHITELABEL_LOGO_MAX_BYTES // 1024} KB")
    try:
        raw = base64.b64decode(data, validate=False) if match.group("b64") else unquote_to_bytes(data)
    except (binascii.Error, ValueError):
        raise field_error("is not valid base64") from None
    return media_type, raw


def _sniff(raw):
    if raw.startswith(b"\x89PNG"):
        return "image/png"
    if raw.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if b"<svg" in raw[:4096]:
        return "image/svg+xml"
    raise field_error("must be a PNG, JPEG or SVG image")


def sanitize_svg(raw):
    """The SVG without anything active or external; 422 when it is not a well-formed SVG."""
    try:
        root = SafeET.fromstring(raw)
    except Exception:  # defusedxml refuses entities/DTDs; ParseError for malformed documents
        raise field_error("is not a well-formed SVG (entities and DTDs are not allowed)") from None
    if _local(root.tag) != "svg":
        raise field_error("is not an SVG image")
    _clean(root)
    ET.register_namespace("", SVG_NS)
    ET.register_namespace("xlink", XLINK_NS)
    return ET.tostring(root, encoding="utf-8")


def _local(tag):
    return tag.rsplit("}", 1)[-1].lower() if isinstance(tag, str) else ""


def _clean(element):
    for child in list(element):
        if _local(child.tag) in FORBIDDEN or not isinstance(child.tag, str):
            element.remove(child)
            continue
        _clean(child)
    for name, value in list(element.attrib.items()):
        local = _local(name)
        if local.startswith("on") or _external(local, value):
            del element.attrib[name]
    if _local(element.tag) == "style" and element.text and EXTERNAL.search(element.text):
        element.text = ""


def _external(name, value):
    if name == "href" or name == "src":
        value = value.strip()
        return not (value.startswith("#") or SAFE_EMBEDDED.match(value))
    return bool(EXTERNAL.search(value))
