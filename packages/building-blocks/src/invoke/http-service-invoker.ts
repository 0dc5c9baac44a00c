import { sendInvokeRequest } from './http-request';
import { ServiceUnavailableError, type InvokeRequest, type InvokeResponse, type ServiceInvoker } from './service-invoker';

/** Options of the direct HTTP invoker. */
export interface HttpServiceInvokerOptions {
  /** Base URL of each app, e.g. `{ auth: 'http://127.0.0.1:3001' }`. An app not listed is unavailable. */
  services: Record<string, string>;
  /** This app's id, sent as `dapr-caller-app-id` as the Dapr sidecar does, so the callee can tell services from browsers. */
  callerAppId?: string;
}

/** The header the Dapr sidecar adds to invoked calls, naming the calling app. */
export const callerAppIdHeader = 'dapr-caller-app-id';

/** ServiceInvoker that calls other services straight over HTTP (no sidecar): the embedded default on local ports. */
export class HttpServiceInvoker implements ServiceInvoker {
  private readonly services: Map<string, string>;
  private readonly callerAppId?: string;

  constructor(options: HttpServiceInvokerOptions) {
    this.services = new Map(Object.entries(options.services).map(([appId, url]) => [appId, url.replace(/\/+$/, '')]));
    this.callerAppId = options.callerAppId;
  }

  async invoke<T = unknown>(appId: string, request: InvokeRequest): Promise<InvokeResponse<T>> {
    const baseUrl = this.services.get(appId);
    if (!baseUrl) throw new ServiceUnavailableError(appId, new Error(`no URL configured for app "${appId}"`));
    const headers = this.callerAppId ? { ...request.headers, [callerAppIdHeader]: this.callerAppId } : request.headers;
    return sendInvokeRequest<T>(appId, baseUrl + withLeadingSlash(request.path), { ...request, headers });
  }
}

/** The port says paths start with `/`; tolerate one without rather than build `host:portpath`. */
export function withLeadingSlash(path: string): string {
  return path.startsWith('/') ? path : `/${path}`;
}
