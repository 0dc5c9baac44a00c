import type { Logger } from '@shop/kernel';

/** A logger that keeps the message of every line, by level, so a test can count what an outage logged. */
export interface RecordingLogger {
  logger: Logger;
  debug: string[];
  info: string[];
  warn: string[];
  error: string[];
}

export function recordingLogger(): RecordingLogger {
  const lines: Omit<RecordingLogger, 'logger'> = { debug: [], info: [], warn: [], error: [] };
  const logger: Logger = {
    isLevelEnabled: () => true,
    debug: (_details, message) => void lines.debug.push(message),
    info: (_details, message) => void lines.info.push(message),
    warn: (_details, message) => void lines.warn.push(message),
    error: (_details, message) => void lines.error.push(message),
    child: () => logger,
  };
  return { logger, ...lines };
}
