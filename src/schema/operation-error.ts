import { ERROR_CODES, type ErrorCode } from '../errors/gateway-errors.js';
import { builder } from './builder.js';

export interface OperationErrorShape {
  code: ErrorCode;
  message: string;
  retryAfterSeconds: number | undefined;
}

const ErrorCodeEnum = builder.enumType('ErrorCode', {
  description: "The contract's error codes, as `extensions.code` carries them on GraphQL errors.",
  values: ERROR_CODES,
});

/** An error as data: one id of a bulk operation, or the last error of a personal-data request. */
export const OperationError = builder.objectRef<OperationErrorShape>('OperationError').implement({
  description: 'Why one item of a bulk operation failed, or the last error of a personal-data request.',
  fields: (t) => ({
    code: t.field({ type: ErrorCodeEnum, resolve: (error) => error.code }),
    message: t.exposeString('message'),
    retryAfterSeconds: t.exposeInt('retryAfterSeconds', {
      nullable: true,
      description:
        'For THROTTLED (and UPSTREAM_UNAVAILABLE when known): seconds to wait before retrying this id.',
    }),
  }),
});
