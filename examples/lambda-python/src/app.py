"""One handler for every route of the API. API Gateway's Lambda proxy
integration passes the request as `event` (REST API event version 1.0) and
expects {statusCode, headers, body} back."""

import os

from items import item_from, json_response

GREETING = os.environ.get("GREETING", "hello")


def lambda_handler(event, context):
    route = f"{event['httpMethod']} {event['resource']}"
    if route == "GET /hello":
        name = (event.get("queryStringParameters") or {}).get("name", "world")
        return json_response(200, {"message": f"{GREETING} {name}", "requestId": context.aws_request_id})
    if route == "GET /items/{id}":
        return json_response(200, {"id": event["pathParameters"]["id"], "stage": event["requestContext"]["stage"]})
    if route == "POST /items":
        item = item_from(event)
        if item is None:
            return json_response(400, {"message": "the body must be a JSON object with an id"})
        return json_response(201, {"created": item}, {"Location": f"/items/{item['id']}"})
    if route == "GET /headers":
        headers = {k.lower(): v for k, v in (event.get("headers") or {}).items()}
        return json_response(200, {"userAgent": headers.get("user-agent"), "custom": headers.get("x-custom")})
    if route == "GET /error":
        raise RuntimeError("something went wrong on purpose")
    return json_response(404, {"message": f"no route for {route}"})
