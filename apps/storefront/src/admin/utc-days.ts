import { daysInRange } from '@shop/contracts';

// The back office works in UTC days, as the order service's reports and the admin order search do. What a calendar
// day is and how many a range covers are the order API's own rules (isCalendarDate, daysInRange in the contracts).

const dayMs = 86_400_000;

/** The UTC calendar day (YYYY-MM-DD) of an instant. */
export function utcDayOf(at: Date): string {
  return at.toISOString().slice(0, 10);
}

/** Milliseconds since the epoch of the start (00:00 UTC) of `day`. */
export function utcDayStart(day: string): number {
  return Date.parse(`${day}T00:00:00Z`);
}

/** `day` moved by `days` (negative: earlier). */
export function addUtcDays(day: string, days: number): string {
  return utcDayOf(new Date(utcDayStart(day) + days * dayMs));
}

/** Every day from `from` to `to`, both included, oldest first; empty when `to` is before `from`. */
export function utcDaysOfRange(from: string, to: string): string[] {
  const count = daysInRange(from, to);
  return Array.from({ length: Math.max(0, count) }, (_, index) => addUtcDays(from, index));
}

const dateTimeFormats = new Map<string, Intl.DateTimeFormat>();

function cachedFormat(key: string, create: () => Intl.DateTimeFormat): Intl.DateTimeFormat {
  let format = dateTimeFormats.get(key);
  if (!format) {
    format = create();
    dateTimeFormats.set(key, format);
  }
  return format;
}

/** An instant for people, in UTC and saying so: "Nov 21, 2026, 3:55 PM UTC". */
export function formatUtcDateTime(iso: string, locale?: string): string {
  const format = cachedFormat(`datetime|${locale ?? ''}`, () => new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'short', timeZone: 'UTC' }));
  return `${format.format(new Date(iso))} UTC`;
}

/** A UTC day for people: "2026-11-21" → "Nov 21, 2026". */
export function formatUtcDay(day: string, locale?: string): string {
  const format = cachedFormat(`day|${locale ?? ''}`, () => new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeZone: 'UTC' }));
  return format.format(new Date(utcDayStart(day)));
}
