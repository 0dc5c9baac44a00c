// Baseline: an empty Express 5 route returning the given bytes (no middleware).
const express = require('express');
const { readFileSync } = require('node:fs');
const { reportReady } = require('../lib');

const body = readFileSync(process.env.BENCH_BODY_FILE);
const app = express();
app.get('/x', (_req, res) => {
  res.type('application/json').send(body);
});
const server = app.listen(0, '127.0.0.1', () => reportReady(`http://127.0.0.1:${server.address().port}/x`));
process.on('SIGTERM', () => server.close(() => process.exit(0)));
