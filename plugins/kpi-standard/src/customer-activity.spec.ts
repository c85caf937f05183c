import type { TransactionColumns } from '@workbench/plugin-sdk';
import { customerActivity, segmentFigures } from './customer-activity';

const at = (iso: string) => Date.parse(`${iso}Z`);
const REFERENCE = at('2024-02-01T00:00:00');

function columns(lines: [row: number, iso: string, amount: number][]): TransactionColumns {
  return {
    customerRow: Int32Array.from(lines, (l) => l[0]),
    order: new Int32Array(lines.length).fill(-1),
    timestamp: Float64Array.from(lines, (l) => at(l[1])),
    amount: Float64Array.from(lines, (l) => l[2]),
    isReturn: new Uint8Array(lines.length),
  };
}

describe('customerActivity without order ids', () => {
  // Customer 0 buys on Jan 3 (twice) and Jan 9: 2 purchase days; customer 1 on Jan 5: 1.
  const lines: [number, string, number][] = [
    [0, '2024-01-03T09:00:00', 5],
    [1, '2024-01-05T10:00:00', 7],
    [0, '2024-01-03T17:00:00', 6],
    [0, '2024-01-09T08:00:00', 8],
  ];
  const options = { referenceDate: REFERENCE, windowStart: -Infinity, activeDays: 30 };

  it('counts distinct purchase days when each customer is in time order', () => {
    const activity = customerActivity(columns(lines), 2, options);
    expect(Array.from(activity.orders)).toEqual([2, 1]);
    expect(activity.orderBasis).toBe('purchase days');
  });

  it('counts them exactly when the lines are not in time order (Jan 9 before Jan 3, then Jan 3 again)', () => {
    const shuffled = [lines[3], lines[0], lines[1], lines[2]];
    const activity = customerActivity(columns(shuffled), 2, options);
    expect(Array.from(activity.orders)).toEqual([2, 1]);
    expect(Array.from(activity.revenue)).toEqual([19, 7]);
  });
});

describe('segmentFigures', () => {
  it('sums the segments into the overall entry', () => {
    const activity = customerActivity(
      columns([
        [0, '2024-01-03T09:00:00', 5],
        [1, '2024-01-05T10:00:00', 7],
      ]),
      3,
      { referenceDate: REFERENCE, windowStart: -Infinity, activeDays: 30 },
    );
    const figures = segmentFigures(activity, Int32Array.from([0, 1, 1]), 2, REFERENCE);
    expect(Array.from(figures.customers)).toEqual([1, 2, 3]);
    expect(Array.from(figures.revenue)).toEqual([5, 7, 12]);
    // Recency: Jan 3 → Feb 1 = 29 days, Jan 5 → Feb 1 = 27 days; customer 2 has no purchase.
    expect(Array.from(figures.recencyDays)).toEqual([29, 27, 56]);
    expect(Array.from(figures.recencyCustomers)).toEqual([1, 1, 2]);
  });
});
