import { describe, expect, it } from 'vitest';
import { concurrencyLimit, forEachConcurrently } from '../../src/graph/transport/concurrency.js';

function deferred() {
  let resolve!: () => void;
  const promise = new Promise<void>((settle) => {
    resolve = settle;
  });
  return { promise, resolve };
}

describe('the one concurrency limiter', () => {
  it('runs at most its bound at once and starts waiting tasks in order', async () => {
    const limited = concurrencyLimit(2);
    const gates = [deferred(), deferred(), deferred()];
    const started: number[] = [];
    const runs = gates.map((gate, index) =>
      limited(async () => {
        started.push(index);
        await gate.promise;
        return index;
      }),
    );
    await Promise.resolve();
    expect(started).toEqual([0, 1]);
    gates[1]!.resolve();
    await runs[1];
    await new Promise((settle) => setImmediate(settle));
    expect(started).toEqual([0, 1, 2]);
    gates[0]!.resolve();
    gates[2]!.resolve();
    expect(await Promise.all(runs)).toEqual([0, 1, 2]);
  });

  it('runs every item, rejects with the first failure, and lets the others finish', async () => {
    const done: number[] = [];
    const running = forEachConcurrently([1, 2, 3, 4], 2, async (item) => {
      await new Promise((settle) => setTimeout(settle, item));
      if (item === 1) throw new Error('first');
      done.push(item);
    });
    await expect(running).rejects.toThrow('first');
    await new Promise((settle) => setTimeout(settle, 20));
    expect(done.sort()).toEqual([2, 3, 4]);
  });

  it('treats a bound below one as one', async () => {
    const order: number[] = [];
    await forEachConcurrently([1, 2], 0, async (item) => {
      order.push(item);
    });
    expect(order).toEqual([1, 2]);
  });
});
