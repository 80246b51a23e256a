/** What every scripted fault may carry: how many matching requests it still applies to. */
export interface CountedFault {
  /** Matching requests this fault applies to; 1 by default, `Infinity` for all of them. */
  times?: number | undefined;
}

/** The part of a fault book that tests script. */
export interface FaultControls<Fault extends CountedFault> {
  add(fault: Fault): void;
  clear(): void;
}

/**
 * Scripted faults, consumed in the order they were added: each request takes the first fault
 * that matches it and still has uses left.
 */
export class FaultBook<Fault extends CountedFault> implements FaultControls<Fault> {
  #entries: Array<{ fault: Fault; remaining: number }> = [];

  add(fault: Fault): void {
    const remaining = fault.times ?? 1;
    if (!(remaining > 0))
      throw new RangeError(`A fault must apply at least once (times: ${String(fault.times)}).`);
    this.#entries.push({ fault, remaining });
  }

  clear(): void {
    this.#entries = [];
  }

  take(matches: (fault: Fault) => boolean): Fault | undefined {
    const index = this.#entries.findIndex((entry) => matches(entry.fault));
    const entry = this.#entries[index];
    if (!entry) return undefined;
    entry.remaining -= 1;
    if (entry.remaining <= 0) this.#entries.splice(index, 1);
    return entry.fault;
  }
}
