import { sidecarHeaders, sidecarUrl, type DaprSidecarOptions } from '../dapr/dapr-sidecar';
import { sendInvokeRequest } from './http-request';
import { withLeadingSlash } from './http-service-invoker';
import { ServiceUnavailableError, type InvokeRequest, type InvokeResponse, type ServiceInvoker } from './service-invoker';

/** Options of the Dapr service invoker. */
export type DaprServiceInvokerOptions = DaprSidecarOptions;

/**
 * ServiceInvoker through the Dapr sidecar's invocation API (`/v1.0/invoke/{appId}/method/{path}`), called with
 * fetch rather than the SDK, whose invoker throws away the status, headers and body of non-2xx answers. The
 * sidecar's own failures (target unknown or unreachable, circuit open) come back as 500 `ERR_DIRECT_INVOKE`,
 * which becomes ServiceUnavailableError; the target's own 500s pass through.
 */
export class DaprServiceInvoker implements ServiceInvoker {
  private readonly baseUrl: string;
  private readonly headers: Record<string, string>;

  constructor(options: DaprServiceInvokerOptions = {}) {
    this.baseUrl = sidecarUrl(options);
    this.headers = sidecarHeaders(options);
  }

  async invoke<T = unknown>(appId: string, request: InvokeRequest): Promise<InvokeResponse<T>> {
    const url = `${this.baseUrl}/v1.0/invoke/${encodeURIComponent(appId)}/method${withLeadingSlash(request.path)}`;
    const response = await sendInvokeRequest<T>(appId, url, request, this.headers);
    if (isSidecarInvokeFailure(response)) {
      throw new ServiceUnavailableError(appId, new Error(`dapr could not invoke "${appId}": ${(response.body as { message?: string }).message ?? ''}`));
    }
    return response;
  }
}

function isSidecarInvokeFailure(response: InvokeResponse<unknown>): boolean {
  const body = response.body as { errorCode?: unknown } | undefined;
  return response.status >= 500 && typeof body === 'object' && body !== null && body.errorCode === 'ERR_DIRECT_INVOKE';
}
