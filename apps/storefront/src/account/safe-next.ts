/** Where to go after signing in: only a path on this site (never `//evil.example` or an absolute URL). */
export function safeNextPath(next: string | null): string {
  if (!next || !next.startsWith('/') || next.startsWith('//') || next.startsWith('/\\')) return '/';
  return next;
}
