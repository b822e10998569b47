"""PDF reports with ReportLab, in one layout pass: a cover, the contents (rows linked to their
sections, page numbers filled in once known: see front.py), then the body, produced a flowable at
a time (lazy.py) so memory stays flat whatever the number of findings. Findings are drawn as
plain lines (textblock.py), not Paragraphs, which is what makes 10,000 findings fast."""

from itertools import chain

from .lazy import LazyStory
from .pages import ReportDocument
from .story import body, section_count
from .styles import styles


def render(data, out) -> None:
    style = styles(data.branding)
    marks = []
    document = ReportDocument(out, data, style, section_count(data), marks)
    document.build(LazyStory(chain(document.front_matter(), body(data, style, marks))))
