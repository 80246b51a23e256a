import { BadUserInputError } from '../errors/gateway-errors.js';

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Graph object ids are GUIDs. Checking the shape here, before authorization and before any
 * upstream call, is what keeps ids from ever steering a Graph URL (`../`, `%2F`, queries).
 */
export function requireGuid(value: string, argumentName: string): string {
  if (!GUID.test(value)) {
    throw new BadUserInputError(
      `${argumentName} must be a GUID (a Microsoft Graph object id).`,
      argumentName,
    );
  }
  return value;
}
