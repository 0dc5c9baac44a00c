// Baseline: a bare node:http handler returning the given bytes.
const http = require('node:http');
const { readFileSync } = require('node:fs');
const { reportReady } = require('../lib');

const body = readFileSync(process.env.BENCH_BODY_FILE);
const server = http.createServer((req, res) => {
  res.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'content-length': body.length });
  res.end(body);
});
server.listen(0, '127.0.0.1', () => reportReady(`http://127.0.0.1:${server.address().port}/x`));
process.on('SIGTERM', () => server.close(() => process.exit(0)));
