import { BadUserInputError } from '../errors/gateway-errors.js';

/** The one Node type: a personal-data request. */
export const REQUEST_TYPENAME = 'PersonalDataRequest';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const MAX_ID_LENGTH = 128;

/** A request's opaque id: Relay's `base64("PersonalDataRequest:<uuid>")`. */
export function encodeRequestId(id: string): string {
  return Buffer.from(`${REQUEST_TYPENAME}:${id}`, 'utf8').toString('base64');
}

/** The ledger's UUID inside an id from `encodeRequestId`; BAD_USER_INPUT for anything else. */
export function decodeRequestId(globalId: string): { typename: string; id: string } {
  const decoded =
    globalId.length <= MAX_ID_LENGTH && /^[A-Za-z0-9+/]+={0,2}$/.test(globalId)
      ? Buffer.from(globalId, 'base64').toString('utf8')
      : '';
  // Exactly two parts: `PersonalDataRequest:<uuid>:anything` is not another spelling of the same id.
  const [typename, id, ...rest] = decoded.split(':');
  if (typename !== REQUEST_TYPENAME || id === undefined || rest.length > 0 || !UUID.test(id)) {
    throw new BadUserInputError('`id` is not the id of a personal-data request.', 'id');
  }
  return { typename, id };
}
