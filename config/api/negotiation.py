"""Content negotiation: DRF's, except for what `?format=` means.

DRF reads `?format=<name>` as "render with the renderer of that format" and answers a bare 404
when the view has none. On /v2 everything but the schema renders JSON, and `format` is a
parameter of the API itself: a report file's format (`/v2/reports/{id}/download?format=csv`),
an imported report's (`POST /v2/scans/{id}/import?format=nessus`). So a `format` that names none
of the view's renderers leaves them all in play (the Accept header decides, as without it) and
the view reads the parameter or refuses it: a list answers 422 naming `format`
(config/api/pagination.py). A format a renderer has still selects it (`/v2/schema?format=json`)."""

from rest_framework.negotiation import DefaultContentNegotiation


class FormatParameterNegotiation(DefaultContentNegotiation):
    def filter_renderers(self, renderers, format):
        return [renderer for renderer in renderers if renderer.format == format] or renderers
