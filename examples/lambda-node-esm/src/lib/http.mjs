// json builds a proxy-integration response with a JSON body.
export function json(statusCode, body, headers = {}) {
  return { statusCode, headers: { "Content-Type": "application/json", ...headers }, body: JSON.stringify(body) };
}

// itemFrom parses the request body (base64 when API Gateway says so), or
// returns null when it is not a JSON object with an id.
export function itemFrom(event) {
  try {
    const text = event.isBase64Encoded ? Buffer.from(event.body ?? "", "base64").toString() : event.body;
    const item = JSON.parse(text ?? "");
    return item && typeof item === "object" && item.id !== undefined ? item : null;
  } catch {
    return null;
  }
}
