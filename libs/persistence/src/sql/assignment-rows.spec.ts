import { customerIdOrder } from './assignment-rows';

describe('customerIdOrder', () => {
  const plainSort = (ids: string[]) =>
    Array.from(ids, (_, i) => i).sort((a, b) => (ids[a] < ids[b] ? -1 : ids[a] > ids[b] ? 1 : 0));

  it('orders ids as one sort does, through sorted runs and merge passes of every width', async () => {
    // 100,003 ids: four sorted runs of 32,768 (the last one part-full), then merges of 2 and 4 runs; ids of several
    // lengths and UTF-16 widths, in no order.
    const ids = Array.from({ length: 100_003 }, (_, i) => {
      const k = (i * 7919) % 100_003;
      return k % 3 === 0 ? `c${k}` : k % 3 === 1 ? `顧客${k}` : `${k}`.padStart(9, '0');
    });
    // The event loop turns between the steps (four runs sorted, then merges of 32k ids at a time): one sort would hold
    // it throughout, at 10M ids ~10 s, while a job process's pool timers and requests wait.
    let turns = 0;
    let sorting = true;
    const turn = () => {
      turns++;
      if (sorting) setImmediate(turn);
    };
    setImmediate(turn);
    const order = await customerIdOrder(ids).finally(() => (sorting = false));
    expect(Array.from(order)).toEqual(plainSort(ids));
    expect(turns).toBeGreaterThanOrEqual(4 + 2 * 3);
  });

  it('orders no ids, one id, and fewer ids than a run', async () => {
    expect(Array.from(await customerIdOrder([]))).toEqual([]);
    expect(Array.from(await customerIdOrder(['only']))).toEqual([0]);
    const few = ['b', 'a', 'c', 'ab', ''];
    expect(Array.from(await customerIdOrder(few))).toEqual(plainSort(few));
  });

  it('sorts the ids of one list once', async () => {
    const ids = ['z', 'y', 'x'];
    expect(await customerIdOrder(ids)).toBe(await customerIdOrder(ids));
  });
});
