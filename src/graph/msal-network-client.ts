import type { INetworkModule, NetworkRequestOptions, NetworkResponse } from '@azure/msal-node';
import { type Dispatcher, request } from 'undici';

/**
 * MSAL's HTTP calls (token endpoint, metadata) through our keep-alive pool, so that they share
 * its TLS trust settings and sockets instead of MSAL's own client.
 */
export function createMsalNetworkClient(dispatcher: Dispatcher, timeoutMs: number): INetworkModule {
  async function send<T>(
    method: 'GET' | 'POST',
    url: string,
    options: NetworkRequestOptions | undefined,
    timeout: number | undefined,
  ): Promise<NetworkResponse<T>> {
    const response = await request(url, {
      method,
      dispatcher,
      headers: options?.headers,
      body: options?.body,
      signal: AbortSignal.timeout(timeout ?? timeoutMs),
    });
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(response.headers)) {
      if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(', ') : value;
    }
    const text = await response.body.text();
    return { status: response.statusCode, headers, body: (text ? JSON.parse(text) : {}) as T };
  }
  return {
    sendGetRequestAsync: (url, options, timeout) => send('GET', url, options, timeout),
    sendPostRequestAsync: (url, options) => send('POST', url, options, undefined),
  };
}
