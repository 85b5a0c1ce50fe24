"""Answers in either of the specification's formats: JSON (lists of objects) and XML (a root, one
element per item, the fields in the order the specification lists them), and its error list.

Each answer is built as ``(root, item, rows)``: ``rows`` are lists of ``(field, value)`` pairs,
so JSON and XML carry the same fields in the same order; a value that is a list of pairs (or of
such lists) nests, as a service definition's attributes and the discovery's endpoints do."""

import json
import xml.etree.ElementTree as ET

from django.http import HttpResponse
from django.utils import timezone

JSON_TYPE = "application/json; charset=utf-8"
XML_TYPE = "text/xml; charset=utf-8"


def when(value):
    """ISO 8601 in the site's time (+08:00), to the second; blank for no time."""
    return timezone.localtime(value).isoformat(timespec="seconds") if value else ""


class Nest:
    """A nested element: ``tag`` holds one ``item`` element per row (or plain values)."""

    def __init__(self, item, rows):
        self.item, self.rows = item, rows


def _json_value(value):
    if isinstance(value, Nest):
        return [{k: _json_value(v) for k, v in row} if isinstance(row, list) else row for row in value.rows]
    if isinstance(value, list):
        return {k: _json_value(v) for k, v in value}
    return value


def _xml_text(value):
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _xml_fill(parent, pairs):
    for key, value in pairs:
        child = ET.SubElement(parent, key)
        if isinstance(value, Nest):
            for row in value.rows:
                element = ET.SubElement(child, value.item)
                if isinstance(row, list):
                    _xml_fill(element, row)
                else:
                    element.text = _xml_text(row)
        elif isinstance(value, list):
            _xml_fill(child, value)
        else:
            child.text = _xml_text(value)


def answer(fmt, root, item, rows, status=200):
    """A list of ``rows``; ``item`` None: one object (``rows`` is its pairs), as discovery is."""
    if fmt == "xml":
        top = ET.Element(root)
        if item is None:
            _xml_fill(top, rows)
        else:
            for row in rows:
                _xml_fill(ET.SubElement(top, item), row)
        body = b'<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(top, encoding="utf-8", xml_declaration=False)
        return HttpResponse(body, status=status, content_type=XML_TYPE)
    data = _json_value(rows) if item is None else [_json_value(row) for row in rows]
    return HttpResponse(json.dumps(data, ensure_ascii=False), status=status, content_type=JSON_TYPE)


def errors(fmt, status, *descriptions):
    """The specification's error list: one ``{code, description}`` per problem."""
    rows = [[("code", status), ("description", str(text))] for text in descriptions]
    return answer(fmt, "errors", "error", rows, status=status)
