// The benchmark's handler called directly (scripts/bench-lambda.sh): Node's
// own HTTP server calls handler.js in-process and writes what it returns,
// with no gateway and no Lambda runtime in between. It is the baseline for
// the latency cfnrun adds at p50. Usage: node direct.js PORT
"use strict";
const http = require("node:http");
const { hello } = require("./handler");

const port = Number(process.argv[2]);
http
  .createServer((req, res) => {
    hello({ httpMethod: req.method, path: req.url, headers: req.headers, body: null }).then(
      (r) => {
        res.writeHead(r.statusCode, r.headers);
        res.end(r.body);
      },
      (e) => {
        res.writeHead(500);
        res.end(String(e));
      },
    );
  })
  .listen(port, "127.0.0.1");
