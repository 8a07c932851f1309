// One handler for every route of the WebSocket API in template.yaml. It
// needs no AWS service: two-way routes answer through their route
// response, so it runs the same on AWS and under cfnrun up.
exports.handler = async (event) => {
  const ctx = event.requestContext;
  switch (ctx.routeKey) {
    case '$connect':
      // Refuse clients without a name: the handshake fails with 401.
      if (!(event.queryStringParameters || {}).name) {
        return { statusCode: 401, body: 'connect with ?name=you' };
      }
      console.log('connected', ctx.connectionId, event.queryStringParameters.name);
      return { statusCode: 200 };
    case '$disconnect':
      console.log('disconnected', ctx.connectionId, ctx.disconnectStatusCode);
      return { statusCode: 200 };
    case 'echo': {
      const msg = JSON.parse(event.body);
      return { statusCode: 200, body: JSON.stringify({ echo: msg.data }) };
    }
    case 'whoami':
      return {
        statusCode: 200,
        body: JSON.stringify({ connectionId: ctx.connectionId, stage: ctx.stage, connectedAt: ctx.connectedAt, sourceIp: ctx.identity.sourceIp }),
      };
    default:
      return { statusCode: 200, body: JSON.stringify({ error: 'unknown action', actions: ['echo', 'whoami'] }) };
  }
};
