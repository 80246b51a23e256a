import type { Session } from './sign-in';

/** What every part of the signed-in page needs. */
export interface AppContext {
  readonly session: Session;
  /**
   * Runs one call to the gateway for `attempt` (words that finish "You are not allowed to …"),
   * shows any error in words, and resolves undefined when it failed.
   */
  readonly guard: <T>(attempt: string, work: () => Promise<T>) => Promise<T | undefined>;
}
