"""Renderers: `render(data, fmt, out)` writes the report in `fmt` to the binary file `out`.
CSV, JSON and XML stream the findings row by row (constant memory); HTML streams a template per
finding block; PDF is laid out by ReportLab a host section at a time (render/pdf/)."""

from . import csv_, html, json_, pdf, xml_

RENDERERS = {"csv": csv_.render, "json": json_.render, "xml": xml_.render, "html": html.render, "pdf": pdf.render}


def render(data, fmt, out) -> None:
    RENDERERS[fmt](data, out)
