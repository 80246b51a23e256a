import { type Plugin, type YogaServerOptions, isAsyncIterable } from 'graphql-yoga';
import { maskErrorsExceptDepartures } from '../../errors/masking.js';
import { recodeRequestErrors } from '../../errors/request-error-codes.js';

/**
 * yoga's `maskedErrors` option for the gateway: unexpected errors become yoga's "Unexpected error."
 * (logged), except a departed client's abort. yoga applies it itself, to errors raised before
 * execution as well as during it, so it is an option and not a hook; it is given here, with the
 * plugin below, so that what an error answer says is decided in one place.
 */
export const ERROR_MASKING = {
  isDev: false,
  maskError: maskErrorsExceptDepartures,
} as const satisfies YogaServerOptions<object, object>['maskedErrors'];

/**
 * Shapes every GraphQL error answer after masking: request errors get the contract's code
 * (`errors/request-error-codes.ts`). Statuses and headers come with the errors themselves
 * (`errors/gateway-errors.ts`: 401 with its Bearer challenge, 429 with `Retry-After`, 400 for a
 * request refused before it runs), which yoga writes into the answer. Answers written before yoga
 * parses a request use `errors/error-answers.ts`, the same body.
 */
export function useErrorAnswers(): Plugin {
  return {
    onResultProcess({ result, setResult }) {
      if (Array.isArray(result) || isAsyncIterable(result) || !result.errors?.length) return;
      const errors = recodeRequestErrors(result.errors);
      if (errors) setResult({ ...result, errors });
    },
  };
}
