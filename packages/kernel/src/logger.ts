/** The levels our code logs at. */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

/**
 * The one logger interface of the platform: the slice of pino's that our code calls, so a pino logger fits it as it
 * is and a domain or an adapter can log without loading pino. `details` comes first, as in pino.
 */
export interface Logger {
  /** Whether a line of that level would be written: lets a hot path skip building it. */
  isLevelEnabled(level: LogLevel): boolean;
  debug(details: object, message: string): void;
  info(details: object, message: string): void;
  warn(details: object, message: string): void;
  error(details: object, message: string): void;
  /** A logger that stamps `bindings` on every line. */
  child(bindings: object): Logger;
}

/** Discards everything: the default of adapters and tests that are not given a logger. */
export const silentLogger: Logger = {
  isLevelEnabled: () => false,
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
  child: () => silentLogger,
};
