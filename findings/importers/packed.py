"""Files that are no report of any format, told by their first bytes so the user hears what they
sent (a compressed report, a spreadsheet, a PDF or HTML export) rather than a parser's "line 1, column
0". Compressed reports are refused rather than unpacked: no scanner writes them, and unpacking
would be a decompression bomb's door (docs/imports.md, "Files as users send them")."""

from .errors import ReportError

DECOMPRESS = ": decompress it and upload the report itself"
SIGNATURES = (
    (b"\x1f\x8b", "The file is gzip-compressed" + DECOMPRESS),
    (b"BZh", "The file is bzip2-compressed" + DECOMPRESS),
    (b"\xfd7zXZ\x00", "The file is xz-compressed" + DECOMPRESS),
    (b"7z\xbc\xaf\x27\x1c", "The file is 7z-compressed" + DECOMPRESS),
    (b"PK\x03\x04", "The file is zip-compressed (a zip archive, or a spreadsheet saved as .xlsx)"
                    ": decompress it, or save the sheet as CSV, and upload the report itself"),
    (b"%PDF-", "The file is a PDF document: export the report as XML (Greenbone, nmap, .nessus) or CSV and upload that"),
)
HTML = (b"<!doctype html", b"<html")  # an HTML export's first bytes (after a byte-order mark and white space)


def refuse_packed(path) -> None:
    """ReportError naming what the file is when its first bytes say it is no report at all (a
    compressed file, a PDF, an HTML page)."""
    with open(path, "rb") as handle:
        head = handle.read(512)
    for magic, message in SIGNATURES:
        if head.startswith(magic):
            raise ReportError(message)
    if head.removeprefix(b"\xef\xbb\xbf").lstrip().lower().startswith(HTML):
        raise ReportError("The file is an HTML page (a report for reading): export the report as XML (Greenbone, nmap, "
                          ".nessus) or CSV and upload that")
