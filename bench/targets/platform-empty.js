// Baseline: an empty route on the platform's own Express stack (request id and trace context, security headers,
// metrics, access log at info), returning the given bytes: what every service pays before its handler runs.
const { readFileSync } = require('node:fs');
const { createHttpApp, createLogger, createServiceMetrics, listen } = require('@shop/platform');
const { reportReady } = require('../lib');

const body = readFileSync(process.env.BENCH_BODY_FILE);
const logger = createLogger({ service: 'bench', level: process.env.BENCH_LOG_LEVEL ?? 'info' });
const app = createHttpApp({
  service: 'bench',
  logger,
  metrics: createServiceMetrics('bench'),
  mountRoutes: (a) => {
    a.get('/x', (_req, res) => {
      res.setHeader('Content-Type', 'application/json; charset=utf-8');
      res.end(body);
    });
  },
});
listen(app, { port: 0, host: '127.0.0.1', logger }).then((running) => reportReady(`${running.url}/x`));
process.on('SIGTERM', () => process.exit(0));
