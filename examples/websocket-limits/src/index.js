// The two functions of template.yaml. Browsers cannot set headers on a
// WebSocket handshake, so clients pass a token in the query string and the
// authorizer maps it to the client's API key (usageIdentifierKey): the
// API's ApiKeySelectionExpression reads the key from there. Nothing here
// needs an AWS service, so it runs the same on AWS and under cfnrun up.

// authorize is $connect's Lambda REQUEST authorizer.
exports.authorize = async (event) => {
  const token = (event.queryStringParameters || {}).token;
  const keys = { gold: process.env.GOLD_KEY, free: process.env.FREE_KEY };
  const allow = Object.prototype.hasOwnProperty.call(keys, token);
  return {
    principalId: allow ? token + '-client' : 'anonymous',
    usageIdentifierKey: allow ? keys[token] : undefined,
    context: { plan: allow ? token : 'none' },
    policyDocument: {
      Version: '2012-10-17',
      Statement: [{ Action: 'execute-api:Invoke', Effect: allow ? 'Allow' : 'Deny', Resource: event.methodArn }],
    },
  };
};

// handle serves every route.
exports.handle = async (event) => {
  const ctx = event.requestContext;
  switch (ctx.routeKey) {
    case '$connect':
    case '$disconnect':
      return { statusCode: 200 };
    case 'echo':
      return { statusCode: 200, body: JSON.stringify({ echo: JSON.parse(event.body).data, plan: ctx.authorizer.plan }) };
    default:
      return { statusCode: 200, body: JSON.stringify({ error: 'unknown action', actions: ['echo'] }) };
  }
};
