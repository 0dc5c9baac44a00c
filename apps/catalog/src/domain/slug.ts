import { createHash } from 'node:crypto';

/** A URL slug of a name: lower-case ASCII letters and digits joined by dashes ("Home & Kitchen" → "home-kitchen"). */
export function slugify(name: string): string {
  const slug = name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 60)
    .replace(/-+$/g, '');
  // Names in scripts without an ASCII transliteration still get a stable slug.
  return slug || `c-${createHash('sha256').update(name).digest('hex').slice(0, 8)}`;
}
