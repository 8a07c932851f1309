// The trivial handler both servers run in the Lambda benchmark
// (scripts/bench-lambda.sh): a constant API Gateway proxy response.
"use strict";

exports.hello = async () => ({
  statusCode: 200,
  headers: { "Content-Type": "application/json" },
  body: '{"message":"hello"}',
});
