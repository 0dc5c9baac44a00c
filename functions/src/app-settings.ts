/**
 * The app settings that carry a value. A Function App setting can exist with an empty value (a Bicep parameter left
 * blank, a slot setting cleared), and zod would read `''` as an invalid URL and stop the host from indexing any
 * function. An empty setting means "not set": an optional one is absent, a required one is reported as missing.
 */
export function presentSettings(environment: Record<string, string | undefined>): Record<string, string> {
  return Object.fromEntries(Object.entries(environment).filter((entry): entry is [string, string] => entry[1] !== undefined && entry[1].trim() !== ''));
}
