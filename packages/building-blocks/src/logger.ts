/** The slice of a structured logger (pino's shape) the adapters report through. */
export interface Logger {
  warn(details: object, message: string): void;
  error(details: object, message: string): void;
}

/** Discards everything; the default, so adapters stay quiet unless the service passes its logger. */
export const silentLogger: Logger = {
  warn: () => undefined,
  error: () => undefined,
};
