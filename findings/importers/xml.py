"""Hardened, incremental XML reading for the importers: defusedxml refuses entity declarations
and external entities (billion laughs, XXE); a DOCTYPE alone (`<!DOCTYPE nmaprun>`) is fine. Each
element is handed over when it ends and cleared afterwards, so a 200 MB report reads in bounded
memory."""

from xml.etree.ElementTree import ParseError

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import iterparse

from .errors import ReportError


def local(tag: str) -> str:
    """The tag without its namespace."""
    return tag.rsplit("}", 1)[-1]


def stream(path, wanted: dict[str, str], roots: set[str], format_name: str):
    """Yield (tag, element) for every element whose tag is a key of `wanted` and whose parent's
    tag is its value, when it ends (so a <host> inside a <result> is not a report's <host>). The
    root element must be one of `roots`, else the file is not a `format_name` report. The caller
    must not keep references to yielded elements: they are cleared once the loop moves on."""
    depth = 0
    parents = []
    try:
        for event, element in iterparse(path, events=("start", "end")):
            tag = local(element.tag)
            if event == "start":
                if depth == 0 and tag not in roots:
                    raise ReportError(f"This is not a {format_name} file: its root element is <{tag}>")
                depth += 1
                parents.append(element)
                continue
            depth -= 1
            parents.pop()
            parent = parents[-1] if parents else None
            if tag in wanted and parent is not None and local(parent.tag) == wanted[tag]:
                yield tag, element
                element.clear()
                if len(parent) and parent[-1] is element:  # drop the cleared child from its parent too
                    parent.remove(element)
    except DefusedXmlException as exc:
        raise ReportError(f"The file declares XML entities, which are refused for safety ({exc.__class__.__name__})")
    except ParseError as exc:
        if "no element found" in str(exc) and depth == 0 and not parents:
            raise ReportError("The file is empty")
        raise ReportError(f"The file is not well-formed XML or is truncated ({exc})")


def text(element, name: str, default: str = "") -> str:
    child = element.find(name)
    if child is None or child.text is None:
        return default
    return child.text.strip()


def children(element, name: str):
    return [child for child in element if local(child.tag) == name]
