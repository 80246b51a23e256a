/**
 * Rate and document limits are other features' business. Specs about upstream behaviour start the
 * gateway with these, loose enough that only the behaviour under test can answer.
 */
export const LOOSE_LIMITS: Readonly<Record<string, string>> = {
  RATE_LIMIT_REMOVALS_PER_MINUTE: '100000',
  RATE_LIMIT_OPERATIONS_PER_MINUTE: '100000',
  MAX_LIST_ITEMS: '5000',
};
