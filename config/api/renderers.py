from rest_framework.renderers import JSONRenderer


class EnvelopeJSONRenderer(JSONRenderer):
    """Plain JSON. The envelope ({"data": ...}) is built by the viewsets and the paginator, so
    files and documented `{}` bodies pass through untouched."""

    charset = "utf-8"
