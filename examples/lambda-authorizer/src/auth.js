// A Lambda TOKEN authorizer. API Gateway calls it with the Authorization
// header (already checked against the ValidationExpression "Bearer .+")
// and the ARN of the method being called; it answers with an IAM policy,
// the caller's principalId and a context the API's functions receive.
"use strict";

// Tokens and who they stand for. A real authorizer verifies a JWT.
const users = { "ann-token": { id: "ann", role: "admin" }, "bob-token": { id: "bob", role: "reader" } };

exports.handler = async (event) => {
  const token = event.authorizationToken.replace(/^Bearer /, "");
  const user = users[token];
  if (!user) {
    throw new Error("Unauthorized"); // API Gateway answers 401
  }
  // arn:aws:execute-api:region:account:apiId/stage/METHOD/path
  const [arn, stage] = event.methodArn.split("/");
  // Readers may GET anything; admins may do anything. The policy is cached
  // per token (AuthorizerResultTtlInSeconds), so it names every method the
  // user may call, not only this one.
  const allow = user.role === "admin" ? `${arn}/${stage}/*/*` : `${arn}/${stage}/GET/*`;
  return {
    principalId: user.id,
    policyDocument: {
      Version: "2012-10-17",
      Statement: [{ Action: "execute-api:Invoke", Effect: "Allow", Resource: allow }],
    },
    context: { role: user.role },
  };
};
