"""Hardened, incremental XML reading for the importers. The expat parser refuses entity
declarations and external entities with defusedxml's own handlers and exceptions (billion laughs,
XXE); a DOCTYPE alone (`<!DOCTYPE nmaprun>`) is fine. Elements are built by the C TreeBuilder
straight from expat's callbacks (defusedxml's iterparse goes through the pure-Python XMLParser,
about five times slower); each wanted element is handed over when it ends and then detached from
its parent, so a 200 MB report reads in bounded memory."""

import mmap
import pyexpat
from xml.etree.ElementTree import TreeBuilder

from defusedxml import DefusedXmlException
from defusedxml.common import EntitiesForbidden, ExternalReferenceForbidden

from .errors import ReportError

CHUNK = 1 << 20
# expat's errors for a file that ends before its elements do (the cut may fall between elements,
# inside a tag or inside a character)
CUT_SHORT = {pyexpat.errors.codes[name] for name in (pyexpat.errors.XML_ERROR_NO_ELEMENTS, pyexpat.errors.XML_ERROR_UNCLOSED_TOKEN,
                                                     pyexpat.errors.XML_ERROR_PARTIAL_CHAR)}
CUT_SHORT_HINT = {"nmaprun": " (an nmap scan that was interrupted leaves its -oX report unfinished: import a complete scan)"}


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
    tag is its value, once complete (so a <host> inside a <result> is not a report's <host>). The
    root element must be one of `roots`, else the file is not a `format_name` report. The caller
    must not keep references to yielded elements' parents. `progress(fraction, None)` hears how
    much of the file was read, every megabyte.

    Expat calls the C TreeBuilder directly (no Python per element); after each chunk the
    complete elements are taken out of the tree (see `harvest`)."""
    builder, parser = TreeBuilder(), hardened_parser()
    tree = []  # [the root element] once it starts

    def first_element(tag, attributes):
        if tag not in roots:
            raise ReportError(f"This is not a {format_name} file: its root element is <{tag}>{other_format(tag)}")
        tree.append(builder.start(tag, attributes))
        parser.StartElementHandler = builder.start

    parser.StartElementHandler, parser.EndElementHandler, parser.CharacterDataHandler = first_element, builder.end, builder.data
    try:
        with open(path, "rb") as handle:
            size = max(1, handle.seek(0, 2))
            handle.seek(0)
            while chunk := handle.read(CHUNK):
                parser.Parse(chunk, False)
                if tree:
                    yield from harvest(tree[0], wanted, final=False)
                if progress is not None:
                    progress(handle.tell() / size, None)
            parser.Parse(b"", True)
            yield from harvest(tree[0], wanted, final=True)
    except DefusedXmlException as exc:
        raise ReportError(f"The file declares XML entities, which are refused for safety ({exc.__class__.__name__})") from None
    except pyexpat.ExpatError as exc:
        if exc.code == pyexpat.errors.codes[pyexpat.errors.XML_ERROR_NO_ELEMENTS] and not tree:
            raise ReportError("The file is empty") from None
        if tree and exc.code in CUT_SHORT:  # expat reports these only at the end of the input
            raise ReportError(f"The file is truncated: it ends (line {exc.lineno}) before its <{tree[0].tag}> element is "
                              f"closed{CUT_SHORT_HINT.get(tree[0].tag, '')}") from None
        if not starts_like_xml(path):
            raise ReportError(f"This is not a {format_name} file: it is not XML (a Greenbone CSV is sent with format gvm_csv)") from None
        if not_utf8_at(path, parser.ErrorByteIndex):
            raise ReportError(f"The file is not UTF-8 text (line {exc.lineno}, column {exc.offset + 1}) and its XML "
                              "declaration names no other encoding: convert it to UTF-8, or name its encoding "
                              '(<?xml version="1.0" encoding="ISO-8859-1"?>)') from None
        raise ReportError(f"The file is not well-formed XML or is truncated ({exc})") from None


ROOTS = {"nmaprun": "nmap_xml", "report": "gvm_xml", "get_reports_response": "gvm_xml", "NessusClientData_v2": "nessus",
         "NessusClientData": "nessus"}


def other_format(root: str) -> str:
    """The hint for a report sent with the wrong `format`."""
    return f" (send it with format {ROOTS[root]})" if root in ROOTS else ""


def starts_like_xml(path) -> bool:
    """Whether the file's first character (after a byte-order mark and white space) is `<`."""
    with open(path, "rb") as handle:
        head = handle.read(1024)
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return True  # UTF-16: expat's own error says more
    return head.removeprefix(b"\xef\xbb\xbf").lstrip().startswith(b"<")


def not_utf8_at(path, index: int) -> bool:
    """Whether the bytes where expat stopped start a character that is not UTF-8 (a Latin-1 file
    that declares no encoding, as an editor re-saved it)."""
    if index < 0:
        return False
    with open(path, "rb") as handle:
        handle.seek(index)
        chunk = handle.read(4)
    if not chunk or chunk[0] < 0x80:
        return False
    try:
        chunk.decode("utf-8")
    except UnicodeDecodeError as exc:
        return exc.start == 0
    return False


def harvest(node, wanted, final, found=None):
    """Take the complete children out of the open elements' path (each open element is its
    parent's last child, so the path is node[-1][-1]...; every child before the last is complete,
    and at the end of the file all are): [(tag, element)] of the wanted ones, in document order.
    A complete child that is not wanted may hold wanted ones (a closed <results>): it is searched
    before it goes. Wanted elements are the caller's: nothing inside them is searched."""
    found = [] if found is None else found
    while len(node):
        last = node[-1]
        complete = len(node) if final else len(node) - 1
        if complete:
            for child in node[:complete]:
                if wanted.get(child.tag) == node.tag:
                    found.append((child.tag, child))
                elif len(child):
                    harvest(child, wanted, True, found)
            del node[:complete]
        if final or wanted.get(last.tag) == node.tag:
            break
        node = last
    return found


def elements_after(path, marker: bytes, tag: str):
    """The complete <tag> elements that follow the file's last `marker` (a closing tag), read
    with the same hardened parser in chunks; stops quietly where the fragment stops making sense
    (the enclosing elements' closing tags). A hint for a reader that checks it later, never the
    truth: [] when anything is odd."""
    with open(path, "rb") as handle:
        if not handle.seek(0, 2):
            return []
        with mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ) as data:
            start = data.rfind(marker)
            if start < 0:
                return []
            builder, parser, found = TreeBuilder(), hardened_parser(), []
            parser.StartElementHandler, parser.EndElementHandler = builder.start, builder.end
            parser.CharacterDataHandler = builder.data
            root = builder.start("tail", {})
            parser.Parse(b"<tail>", False)
            try:
                for offset in range(start + len(marker), len(data), CHUNK):
                    parser.Parse(data[offset:offset + CHUNK], False)
                    found.extend(element for _tag, element in harvest(root, {tag: "tail"}, final=False))
            except (pyexpat.ExpatError, DefusedXmlException):
                pass  # expected: </report> closes what the fragment never opened
            found.extend(element for _tag, element in harvest(root, {tag: "tail"}, final=True))
            return found


def whole_text(element) -> str:
    """The element's text with that of any markup inside it (`<plugin_output>a <b>b</b> c`)."""
    return "".join(element.itertext()) if len(element) else (element.text or "")


def text(element, name: str, default: str = "") -> str:
    child = element.find(name)
    if child is None:
        return default
    value = whole_text(child)
    return value.strip() if value else default


def children(element, name: str):
    return element.findall(name)


def leaf_texts(element, repeated=(), mixed=False):
    """{child tag: its stripped text} for the element's children (the first of each tag, as
    find() would), and the texts of the `repeated` tags in lists: one pass, no per-field search.
    `mixed`: a child's text includes that of markup inside it (see whole_text); without, a
    child's own text (structured children such as Greenbone's <nvt><refs> are not joined)."""
    found = {}
    value_of = whole_text if mixed else (lambda child: child.text)
    if not repeated:
        for child in element:
            if child.tag not in found:
                value = value_of(child)
                found[child.tag] = value.strip() if value else ""
        return found, {}
    lists = {tag: [] for tag in repeated}
    for child in element:
        tag, value = child.tag, (value_of(child) or "").strip()
        if tag in lists:
            if value:
                lists[tag].append(value)
        elif tag not in found:
            found[tag] = value
    return found, lists
