import { DeadlineExceededError } from '../../errors/upstream-failures.js';

/**
 * One Graph call's deadline, as the signal that the exchange (`exchangeBuffered`, which aborts
 * undici's request) and cockatiel (the waits between retries) stop on: aborted when the time is up
 * or when the caller goes away, whichever comes first.
 *
 * An EventTarget rather than an AbortController: on Node 20 every AbortSignal leaves about 580
 * bytes in the old generation (300,000 of them grew it by 173 MB; as many EventTargets, by 1.6 MB),
 * which at the gateway's rates meant a mark-compact every few seconds, 70 MiB more peak RSS and
 * the stalls that made the p99 (BENCHMARKS.md). `exchangeBuffered`, cockatiel and
 * `GraphHttpClient.send` read only `aborted`, `reason`, `throwIfAborted()` and the `abort` event, as
 * whatwg-node's signal of every request already relies on.
 */
export class CallDeadline extends EventTarget {
  aborted = false;
  reason: unknown = undefined;
  #expired = false;
  readonly #timer: NodeJS.Timeout;
  readonly #caller: AbortSignal | undefined;
  readonly #onCallerAbort = () =>
    this.#abort(this.#caller?.reason ?? new DOMException('The caller went away', 'AbortError'));

  constructor(remainingMs: number, caller?: AbortSignal) {
    super();
    this.#caller = caller;
    this.#timer = setTimeout(() => {
      this.#expired = true;
      this.#abort(new DeadlineExceededError('the deadline passed'));
    }, remainingMs);
    if (caller?.aborted) this.#onCallerAbort();
    else caller?.addEventListener('abort', this.#onCallerAbort, { once: true });
  }

  /**
   * Aborted because its own time ran out: not because the caller left, even when the caller is
   * another deadline (a batch's, for the calls it makes).
   */
  get expired(): boolean {
    return this.#expired;
  }

  throwIfAborted(): void {
    if (this.aborted) throw this.reason;
  }

  /** This deadline where an `AbortSignal` is expected; see the class comment for why that holds. */
  get signal(): AbortSignal {
    return this as unknown as AbortSignal;
  }

  /** Settles as `work` does, or rejects with the reason as soon as the deadline aborts. */
  race<T>(work: Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const onAbort = () => reject(this.reason);
      this.addEventListener('abort', onAbort, { once: true });
      // Late results and failures of abandoned work land here, handled.
      work.then(resolve, reject).finally(() => this.removeEventListener('abort', onAbort));
      if (this.aborted) onAbort();
    });
  }

  /** Stops the clock and lets go of the caller's signal; the call is over. */
  dispose(): void {
    clearTimeout(this.#timer);
    this.#caller?.removeEventListener('abort', this.#onCallerAbort);
  }

  #abort(reason: unknown): void {
    if (this.aborted) return;
    this.aborted = true;
    this.reason = reason;
    this.dispose();
    this.dispatchEvent(new Event('abort'));
  }
}
