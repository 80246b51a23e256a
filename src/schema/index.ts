import { builder } from './builder.js';
import './root-types.js';
import './viewer.js';
import './outbound-shared-user-profiles.js';
import './inbound-shared-user-profiles.js';
import './bulk-removal.js';
import './personal-data-requests.js';

/** The gateway's schema, built once from the Pothos definitions. */
export const schema = builder.toSchema();
