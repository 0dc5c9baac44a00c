import { ServiceUnavailableError, type InvokeRequest, type InvokeResponse } from './service-invoker';
import { invokeInClientSpan } from '../trace-context';

/** Default request timeout, as documented on `InvokeRequest.timeoutMs`. */
export const DefaultInvokeTimeoutMs = 5000;

/**
 * Sends one invocation over HTTP with fetch and reads the answer whatever its status. Connection failures and
 * timeouts become ServiceUnavailableError; everything the target answered is returned as is. The call is a client
 * span whose W3C trace context goes in the headers (no instrumentation patches fetch), replacing any the caller set.
 */
export function sendInvokeRequest<T>(appId: string, url: string, request: InvokeRequest, extraHeaders: Record<string, string> = {}): Promise<InvokeResponse<T>> {
  return invokeInClientSpan({ appId, method: request.method, url }, (traceHeaders) => sendWithHeaders<T>(appId, url, request, { ...extraHeaders, ...traceHeaders }));
}

async function sendWithHeaders<T>(appId: string, url: string, request: InvokeRequest, extraHeaders: Record<string, string>): Promise<InvokeResponse<T>> {
  const headers: Record<string, string> = { accept: 'application/json', ...forwardableHeaders(request.headers ?? {}), ...extraHeaders };
  let body: string | undefined;
  if (request.body !== undefined) {
    body = typeof request.body === 'string' ? request.body : JSON.stringify(request.body);
    headers['content-type'] ??= typeof request.body === 'string' ? 'text/plain; charset=utf-8' : 'application/json';
  }
  let response: Response;
  let text: string;
  try {
    response = await fetch(url, { method: request.method, headers, body, signal: AbortSignal.timeout(request.timeoutMs ?? DefaultInvokeTimeoutMs) });
    // The body is read under the same timeout: a target that sends headers and then stalls is unavailable too.
    text = await response.text();
  } catch (error) {
    throw new ServiceUnavailableError(appId, error);
  }
  const responseHeaders: Record<string, string> = {};
  response.headers.forEach((value, name) => (responseHeaders[name] = value));
  return { status: response.status, headers: responseHeaders, body: parseBody(text, response.headers.get('content-type')) as T };
}

/** JSON (including problem+json) is parsed; other text is returned as text; an empty body is undefined. */
function parseBody(text: string, contentType: string | null): unknown {
  if (text === '') return undefined;
  if (contentType && /[/+]json\b/i.test(contentType)) {
    try {
      return JSON.parse(text);
    } catch {
      return text;
    }
  }
  return text;
}

/** Connection-level headers belong to the caller's own hop (fetch computes them); forwarding them would break the request. */
const hopByHopHeaders = new Set(['host', 'connection', 'content-length', 'transfer-encoding', 'keep-alive', 'upgrade', 'proxy-connection', 'te', 'trailer']);

/** Lower-cases names (one spelling, so a caller's header is never sent twice) and drops hop-by-hop headers. */
function forwardableHeaders(headers: Record<string, string>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(headers)
      .map(([name, value]) => [name.toLowerCase(), value] as const)
      .filter(([name]) => !hopByHopHeaders.has(name)),
  );
}
