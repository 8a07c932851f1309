// One handler for every route of an HTTP API (API Gateway v2), in
// CommonJS. The Lambda proxy integration's payload format 2.0 passes the
// request as `event` (routeKey, rawPath, requestContext.http, cookies) and
// accepts {statusCode, headers, body} back, or any other value, which API
// Gateway sends as a 200 JSON body.
"use strict";

const json = (statusCode, body, headers = {}) => ({
  statusCode,
  headers: { "content-type": "application/json", ...headers },
  body: JSON.stringify(body),
});

exports.handler = async (event, context) => {
  switch (event.routeKey) {
    case "GET /hello": {
      const name = (event.queryStringParameters || {}).name || "world";
      return json(200, { message: `${process.env.GREETING} ${name}`, requestId: context.awsRequestId });
    }
    case "GET /items/{id}":
      return json(200, { id: event.pathParameters.id, stage: event.requestContext.stage });
    case "POST /items": {
      let item;
      try {
        const raw = event.isBase64Encoded ? Buffer.from(event.body || "", "base64").toString() : event.body;
        item = JSON.parse(raw || "null");
      } catch {
        item = null;
      }
      if (!item || typeof item !== "object" || item.id === undefined) {
        return json(400, { message: "the body must be a JSON object with an id" });
      }
      return json(201, { created: item }, { location: `/items/${item.id}` });
    }
  }
  // The $default route: every request no other route matches. A plain
  // object is answered as 200 application/json (payload format 2.0).
  return { route: event.routeKey, method: event.requestContext.http.method, path: event.rawPath };
};
