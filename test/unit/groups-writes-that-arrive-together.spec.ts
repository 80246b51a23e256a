import { describe, expect, it } from 'vitest';
import { WriteBatcher } from '../../src/ledger/write-batcher.js';

/** A write that resolves when the test says so, recording what each statement carried. */
function controlledWrites() {
  const statements: number[][] = [];
  const pending: Array<(error?: Error) => void> = [];
  const write = (items: number[]) => {
    statements.push(items);
    return new Promise<void>((resolve, reject) =>
      pending.push((error) => (error ? reject(error) : resolve())),
    );
  };
  return { statements, pending, write };
}

const tick = () => new Promise((resolve) => setImmediate(resolve));

describe('the ledger’s write batcher', () => {
  it('writes the first at once, and what arrives meanwhile together, at most maxItems at a time', async () => {
    const { statements, pending, write } = controlledWrites();
    const batcher = new WriteBatcher(write, { maxItems: 2, concurrency: 1 });
    const done = [1, 2, 3, 4].map((item) => batcher.submit(item));
    await tick();
    expect(statements).toEqual([[1]]);
    pending.shift()!();
    await tick();
    expect(statements).toEqual([[1], [2, 3]]);
    pending.shift()!();
    await tick();
    expect(statements).toEqual([[1], [2, 3], [4]]);
    pending.shift()!();
    await expect(Promise.all(done)).resolves.toEqual([undefined, undefined, undefined, undefined]);
  });

  it('fails every write a failed statement carried, and no other', async () => {
    const { pending, write } = controlledWrites();
    const batcher = new WriteBatcher(write, { maxItems: 10, concurrency: 1 });
    const first = batcher.submit(1);
    const second = batcher.submit(2);
    const third = batcher.submit(3);
    await tick();
    pending.shift()!();
    await tick();
    pending.shift()!(new Error('database gone'));
    await expect(first).resolves.toBeUndefined();
    await expect(second).rejects.toThrow('database gone');
    await expect(third).rejects.toThrow('database gone');
  });

  it('keeps up to `concurrency` statements in flight', async () => {
    const { statements, pending, write } = controlledWrites();
    const batcher = new WriteBatcher(write, { maxItems: 10, concurrency: 2 });
    const done = [1, 2, 3, 4].map((item) => batcher.submit(item));
    await tick();
    expect(statements).toEqual([[1], [2]]);
    pending.shift()!();
    await tick();
    expect(statements).toEqual([[1], [2], [3, 4]]);
    pending.splice(0).forEach((resolve) => resolve());
    await Promise.all(done);
  });
});
