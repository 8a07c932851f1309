// The API's function. requestContext.authorizer holds what the authorizer
// returned: principalId and its context values (as strings).
"use strict";

exports.handler = async (event) => {
  const auth = event.requestContext.authorizer || {};
  const body = event.resource === "/public"
    ? { message: "anyone may read this" }
    : { user: auth.principalId, role: auth.role, method: event.httpMethod };
  return { statusCode: 200, headers: { "Content-Type": "application/json" }, body: JSON.stringify(body) };
};
