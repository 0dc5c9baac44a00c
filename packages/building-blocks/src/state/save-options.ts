import type { SaveOptions } from './state-store';

/** Rejects option combinations the port forbids; shared by every adapter so they fail the same way. */
export function assertValidSaveOptions(options: SaveOptions): void {
  if (options.onlyIfAbsent && options.etag !== undefined) {
    throw new TypeError('SaveOptions.onlyIfAbsent cannot be combined with SaveOptions.etag');
  }
  if (options.ttlSeconds !== undefined && !(Number.isFinite(options.ttlSeconds) && options.ttlSeconds > 0)) {
    throw new TypeError(`SaveOptions.ttlSeconds must be a positive number, got ${options.ttlSeconds}`);
  }
}

/** Serializes a value the way every adapter stores it; undefined (or a bare function) has no JSON form and is refused. */
export function toStateJson(key: string, value: unknown): string {
  const json = JSON.stringify(value) as string | undefined;
  if (json === undefined) throw new TypeError(`state for key "${key}" has no JSON representation (got ${typeof value})`);
  return json;
}
