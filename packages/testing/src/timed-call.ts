/** One answer of a service under test, and how long it took. */
export interface TimedAnswer {
  status: number;
  ms: number;
  contentType: string | null;
  retryAfter: string | null;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- tests read an answer's fields freely and assert on them
  body: any;
}

/** Sends one request (a JSON body when given) to a running service and times it until its body has been read. */
export async function timedCall(baseUrl: string, method: string, path: string, options: { body?: unknown; headers?: Record<string, string> } = {}): Promise<TimedAnswer> {
  const startedAt = performance.now();
  const res = await fetch(`${baseUrl}${path}`, {
    method,
    headers: { ...(options.body === undefined ? {} : { 'content-type': 'application/json' }), ...options.headers },
    body: options.body === undefined ? undefined : JSON.stringify(options.body),
  });
  const text = await res.text();
  return {
    status: res.status,
    ms: performance.now() - startedAt,
    contentType: res.headers.get('content-type'),
    retryAfter: res.headers.get('retry-after'),
    body: text ? (JSON.parse(text) as unknown) : undefined,
  };
}
