import { BadUserInputError } from '../errors/gateway-errors.js';

/** The one Node type: a personal-data request. */
export const REQUEST_TYPENAME = 'PersonalDataRequest';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** A request's opaque id: Relay's `base64("PersonalDataRequest:<uuid>")`. */
export function encodeRequestId(id: string): string {
  return Buffer.from(`${REQUEST_TYPENAME}:${id}`, 'utf8').toString('base64');
}

/**
 * The ledger's UUID inside an id from `encodeRequestId`; BAD_USER_INPUT for anything else. One
 * spelling per id: it must be exactly what `encodeRequestId` writes (base64 decoding would skip
 * stray characters, and `PersonalDataRequest:<uuid>:more` is not another name of the same request).
 */
export function decodeRequestId(globalId: string): { typename: string; id: string } {
  const [typename, id] = Buffer.from(globalId, 'base64').toString('utf8').split(':');
  if (
    typename !== REQUEST_TYPENAME ||
    id === undefined ||
    !UUID.test(id) ||
    encodeRequestId(id) !== globalId
  ) {
    throw new BadUserInputError('`id` is not the id of a personal-data request.', 'id');
  }
  return { typename, id };
}
