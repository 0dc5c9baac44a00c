import pino, { type Logger } from 'pino';

export type { Logger } from 'pino';

/**
 * Paths that are never written to a log: credentials, tokens, cookies and card data, wherever they sit
 * in a logged object (a request body, headers, an error's context).
 */
export const redactedLogPaths = [
  'password',
  '*.password',
  'newPassword',
  '*.newPassword',
  'token',
  '*.token',
  'accessToken',
  '*.accessToken',
  'refreshToken',
  '*.refreshToken',
  'paymentToken',
  '*.paymentToken',
  'cardNumber',
  '*.cardNumber',
  'authorization',
  '*.authorization',
  'headers.authorization',
  'headers.cookie',
  '*.headers.authorization',
  '*.headers.cookie',
  'connectionString',
  '*.connectionString',
];

/** Creates the JSON logger of a service; `service` is stamped on every line. */
export function createLogger(options: { service: string; level?: string; destination?: pino.DestinationStream }): Logger {
  return pino(
    {
      level: options.level ?? 'info',
      base: { service: options.service },
      timestamp: pino.stdTimeFunctions.isoTime,
      redact: { paths: redactedLogPaths, censor: '[redacted]' },
      formatters: { level: (label) => ({ level: label }) },
    },
    options.destination,
  );
}
