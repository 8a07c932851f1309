"""Helpers for the proxy integration's request and response shapes."""

import base64
import json


def json_response(status, body, headers=None):
    """A proxy-integration response with a JSON body."""
    return {
        "statusCode": status,
        "headers": {"Content-Type": "application/json", **(headers or {})},
        "body": json.dumps(body),
    }


def item_from(event):
    """The request body as a JSON object with an id, or None."""
    body = event.get("body") or ""
    if event.get("isBase64Encoded"):
        body = base64.b64decode(body).decode()
    try:
        item = json.loads(body)
    except ValueError:
        return None
    return item if isinstance(item, dict) and "id" in item else None
