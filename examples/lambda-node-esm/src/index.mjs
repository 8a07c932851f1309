// One handler for every route of the API, as an ES module (.mjs): Lambda's
// Node.js runtime imports it and calls the exported `handler`.
import { itemFrom, json } from "./lib/http.mjs";

const greeting = process.env.GREETING;

export const handler = async (event, context) => {
  const route = `${event.httpMethod} ${event.resource}`;
  switch (route) {
    case "GET /hello": {
      const name = event.queryStringParameters?.name ?? "world";
      return json(200, { message: `${greeting} ${name}`, requestId: context.awsRequestId });
    }
    case "GET /items/{id}":
      return json(200, { id: event.pathParameters.id, stage: event.requestContext.stage });
    case "POST /items": {
      const item = itemFrom(event);
      if (!item) {
        return json(400, { message: "the body must be a JSON object with an id" });
      }
      return json(201, { created: item }, { Location: `/items/${item.id}` });
    }
    case "GET /headers": {
      const find = (name) => Object.entries(event.headers ?? {}).find(([k]) => k.toLowerCase() === name)?.[1];
      return json(200, { userAgent: find("user-agent") ?? null, custom: find("x-custom") ?? null });
    }
    case "GET /error":
      throw new Error("something went wrong on purpose");
  }
  return json(404, { message: `no route for ${route}` });
};
