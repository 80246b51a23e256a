import {
  AuthError,
  type INetworkModule,
  type NetworkRequestOptions,
  type NetworkResponse,
} from '@azure/msal-node';
import type { Dispatcher } from 'undici';
import { AnswerTooLargeError } from '../../errors/upstream-failures.js';
import { flatHeaders, requestBuffered } from '../transport/buffered-exchange.js';

/** MSAL's code for an authority answer past `MAX_UPSTREAM_ANSWER_BYTES`. */
export const ANSWER_TOO_LARGE = 'answer_too_large';

/**
 * MSAL's HTTP calls (token endpoint, metadata) through our keep-alive pool and the handler of
 * Graph's calls, so that they share its TLS trust settings, sockets and answer cap.
 */
export function createMsalNetworkClient(dispatcher: Dispatcher, timeoutMs: number): INetworkModule {
  async function send<T>(
    method: 'GET' | 'POST',
    url: string,
    options: NetworkRequestOptions | undefined,
    timeout: number | undefined,
  ): Promise<NetworkResponse<T>> {
    try {
      const response = await requestBuffered(
        dispatcher,
        url,
        { method, headers: options?.headers, body: options?.body },
        AbortSignal.timeout(timeout ?? timeoutMs),
      );
      const { text } = response;
      return {
        status: response.statusCode,
        headers: flatHeaders(response.headers),
        body: (text ? JSON.parse(text) : {}) as T,
      };
    } catch (error) {
      // MSAL passes its own errors through and calls any other one unreachable: an answer did
      // arrive, it was too long, which the gateway reports as for Graph (UPSTREAM_ERROR).
      if (error instanceof AnswerTooLargeError) throw new AuthError(ANSWER_TOO_LARGE, error.message);
      throw error;
    }
  }
  return {
    sendGetRequestAsync: (url, options, timeout) => send('GET', url, options, timeout),
    sendPostRequestAsync: (url, options) => send('POST', url, options, undefined),
  };
}
