import { sendInvokeRequest } from './http-request';
import { ServiceUnavailableError, type InvokeRequest, type InvokeResponse, type ServiceInvoker } from './service-invoker';

/** Options of the direct HTTP invoker. */
export interface HttpServiceInvokerOptions {
  /**
   * Base URL of each app, e.g. `{ auth: 'http://127.0.0.1:3001' }`, or a list of its replicas' URLs, which calls take
   * in turn. An app not listed (or listed with no URL) is unavailable.
   */
  services: Readonly<Record<string, string | readonly string[]>>;
  /** This app's id, sent as `dapr-caller-app-id` as the Dapr sidecar does, so the callee can tell services from browsers. */
  callerAppId?: string;
}

/** The header the Dapr sidecar adds to invoked calls, naming the calling app. */
export const callerAppIdHeader = 'dapr-caller-app-id';

/**
 * ServiceInvoker that calls other services straight over HTTP (no sidecar): the embedded default on local ports. An
 * app with several replicas gets its calls round robin. A failed call is not sent again to another replica: the
 * first may have done the work (a reservation, an order), and the caller alone knows whether repeating it is safe.
 */
export class HttpServiceInvoker implements ServiceInvoker {
  private readonly services: Map<string, readonly string[]>;
  /** How many calls each app has been given, so the next one goes to the next replica. */
  private readonly callsMade = new Map<string, number>();
  private readonly callerAppId?: string;

  constructor(options: HttpServiceInvokerOptions) {
    this.services = new Map(
      Object.entries(options.services).map(([appId, urls]) => [appId, (typeof urls === 'string' ? [urls] : urls).map((url) => url.replace(/\/+$/, '')).filter(Boolean)]),
    );
    this.callerAppId = options.callerAppId;
  }

  async invoke<T = unknown>(appId: string, request: InvokeRequest): Promise<InvokeResponse<T>> {
    const baseUrl = this.nextBaseUrl(appId);
    if (!baseUrl) throw new ServiceUnavailableError(appId, new Error(`no URL configured for app "${appId}"`));
    const headers = this.callerAppId ? { ...request.headers, [callerAppIdHeader]: this.callerAppId } : request.headers;
    return sendInvokeRequest<T>(appId, baseUrl + withLeadingSlash(request.path), { ...request, headers });
  }

  private nextBaseUrl(appId: string): string | undefined {
    const urls = this.services.get(appId);
    if (!urls || urls.length === 0) return undefined;
    const calls = this.callsMade.get(appId) ?? 0;
    this.callsMade.set(appId, calls + 1);
    return urls[calls % urls.length];
  }
}

/** The port says paths start with `/`; tolerate one without rather than build `host:portpath`. */
export function withLeadingSlash(path: string): string {
  return path.startsWith('/') ? path : `/${path}`;
}
