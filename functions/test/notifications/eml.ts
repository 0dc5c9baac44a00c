import { readFileSync } from 'node:fs';

/** A parsed .eml file: its headers (lower-cased names) and body. */
export function readEml(file: string): { headers: Record<string, string>; body: string } {
  const text = readFileSync(file, 'utf8');
  const split = text.indexOf('\r\n\r\n');
  const headers: Record<string, string> = {};
  for (const line of text.slice(0, split).split('\r\n')) {
    const colon = line.indexOf(':');
    headers[line.slice(0, colon).toLowerCase()] = line.slice(colon + 1).trim();
  }
  return { headers, body: text.slice(split + 4) };
}
