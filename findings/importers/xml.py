"""Hardened, incremental XML reading for the importers. The expat parser refuses entity
declarations and external entities with defusedxml's own handlers and exceptions (billion laughs,
XXE); a DOCTYPE alone (`<!DOCTYPE nmaprun>`) is fine. Elements are built by the C TreeBuilder
straight from expat's callbacks (defusedxml's iterparse goes through the pure-Python XMLParser,
about five times slower); each wanted element is handed over when it ends and then detached from
its parent, so a 200 MB report reads in bounded memory."""

import pyexpat
from xml.etree.ElementTree import TreeBuilder

from defusedxml import DefusedXmlException
from defusedxml.common import EntitiesForbidden, ExternalReferenceForbidden

from .errors import ReportError

CHUNK = 1 << 20


def refuse_entity(name, *_args):
    raise EntitiesForbidden(name, None, None, None, None, None)


def refuse_external(context, base, sysid, pubid):
    raise ExternalReferenceForbidden(context, base, sysid, pubid)


def hardened_parser():
    """An expat parser with defusedxml's refusals (its DefusedExpatParser's, forbid_dtd=False)."""
    parser = pyexpat.ParserCreate()
    parser.EntityDeclHandler = refuse_entity
    parser.UnparsedEntityDeclHandler = refuse_entity
    parser.ExternalEntityRefHandler = refuse_external
    parser.buffer_text = True
    parser.buffer_size = 1 << 16
    return parser


def stream(path, wanted: dict[str, str], roots: set[str], format_name: str, progress=None):
    """Yield (tag, element) for every element whose tag is a key of `wanted` and whose parent's
    tag is its value, when it ends (so a <host> inside a <result> is not a report's <host>). The
    root element must be one of `roots`, else the file is not a `format_name` report. The caller
    must not keep references to yielded elements' parents. `progress(fraction, None)` hears how
    much of the file was read, every megabyte."""
    builder, parser = TreeBuilder(), hardened_parser()
    open_elements, done = [], []
    build_start, build_end = builder.start, builder.end

    def start(tag, attributes):
        if not open_elements and tag not in roots:
            raise ReportError(f"This is not a {format_name} file: its root element is <{tag}>")
        open_elements.append(build_start(tag, attributes))

    def end(tag):
        element = build_end(tag)
        open_elements.pop()
        if tag in wanted and open_elements:
            parent = open_elements[-1]
            if parent.tag == wanted[tag]:
                done.append((tag, element))
                del parent[-1]  # the element just ended is its parent's last child

    parser.StartElementHandler, parser.EndElementHandler, parser.CharacterDataHandler = start, end, builder.data
    seen_element = False
    try:
        with open(path, "rb") as handle:
            size = max(1, handle.seek(0, 2))
            handle.seek(0)
            while chunk := handle.read(CHUNK):
                parser.Parse(chunk, False)
                seen_element = seen_element or bool(open_elements) or bool(done)
                yield from done
                done.clear()
                if progress is not None:
                    progress(handle.tell() / size, None)
            parser.Parse(b"", True)
            yield from done
    except DefusedXmlException as exc:
        raise ReportError(f"The file declares XML entities, which are refused for safety ({exc.__class__.__name__})") from None
    except pyexpat.ExpatError as exc:
        if exc.code == pyexpat.errors.codes[pyexpat.errors.XML_ERROR_NO_ELEMENTS] and not seen_element and not open_elements:
            raise ReportError("The file is empty") from None
        raise ReportError(f"The file is not well-formed XML or is truncated ({exc})") from None


def text(element, name: str, default: str = "") -> str:
    child = element.find(name)
    if child is None or child.text is None:
        return default
    return child.text.strip()


def children(element, name: str):
    return element.findall(name)


def leaf_texts(element, repeated=()):
    """{child tag: its stripped text} for the element's children (the first of each tag, as
    find() would), and the texts of the `repeated` tags in lists: one pass, no per-field search."""
    found, lists = {}, {tag: [] for tag in repeated}
    for child in element:
        tag, value = child.tag, (child.text or "").strip()
        if tag in lists:
            if value:
                lists[tag].append(value)
        elif tag not in found:
            found[tag] = value
    return found, lists
