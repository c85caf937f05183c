import { kpiSeries } from './kpi-series';

const day = (iso: string) => Date.parse(`${iso}T12:00:00Z`);

/**
 * Three customers, two segments, hand-computed: a (segment 0) buys in January (order 1, two lines) and
 * March (order 4) and returns part of order 1 in January; b (segment 1) buys in January (order 2) and
 * February (order 3); c (segment 0) buys in March (order 5). d is not in the run (row −1).
 */
const transactions = {
  customerRow: Int32Array.from([0, 0, 0, 1, 1, 0, 2, -1]),
  order: Int32Array.from([1, 1, 1, 2, 3, 4, 5, 6]),
  timestamp: Float64Array.from(
    [
      '2011-01-03',
      '2011-01-03',
      '2011-01-20',
      '2011-01-31',
      '2011-02-01',
      '2011-03-15',
      '2011-03-31',
      '2011-04-02',
    ].map(day),
  ),
  amount: Float64Array.from([10, 20, -5, 40, 50, 60, 70, 1000]),
  isReturn: Uint8Array.from([0, 0, 1, 0, 0, 0, 0, 0]),
};
const segmentOfRow = Int32Array.from([0, 1, 0]);

describe('kpiSeries', () => {
  it('gives revenue, orders, active customers, AOV and cohort retention per segment and month, by hand', () => {
    const series = kpiSeries(transactions, segmentOfRow, 2);
    expect(series.periods).toEqual([
      { name: '2011-01', start: '2011-01-01', end: '2011-02-01' },
      { name: '2011-02', start: '2011-02-01', end: '2011-03-01' },
      { name: '2011-03', start: '2011-03-01', end: '2011-04-01' },
    ]);
    const [s0, s1, all] = series.points;
    expect(
      s0.map((p) => [p.revenue, p.orders, p.activeCustomers, p.averageOrderValue, p.newCustomers, p.cohortRetention]),
    ).toEqual([
      [25, 1, 1, 25, 1, 0], // a: 10 + 20 − 5 in one order; a does not buy in February
      [0, 0, 0, null, 0, null],
      [130, 2, 2, 65, 1, null], // a's order 4 and c's order 5; c's cohort has no next month
    ]);
    expect(s1.map((p) => [p.revenue, p.orders, p.activeCustomers, p.newCustomers, p.cohortRetention])).toEqual([
      [40, 1, 1, 1, 1], // b buys again in February
      [50, 1, 1, 0, null],
      [0, 0, 0, 0, null],
    ]);
    expect(all.map((p) => [p.revenue, p.orders, p.activeCustomers, p.newCustomers, p.cohortRetention])).toEqual([
      [65, 2, 2, 2, 0.5],
      [50, 1, 1, 0, null],
      [130, 2, 2, 1, null],
    ]);
  });

  it('cuts ISO weeks from Monday and sums back to the totals', () => {
    const series = kpiSeries(transactions, segmentOfRow, 2, 'week');
    expect(series.periods[0]).toEqual({ name: '2011-01-03', start: '2011-01-03', end: '2011-01-10' });
    expect(series.periods.at(-1)).toEqual({ name: '2011-03-28', start: '2011-03-28', end: '2011-04-04' });
    const total = (g: number) => series.points[g].reduce((s, p) => s + p.revenue, 0);
    expect([total(0), total(1), total(2)]).toEqual([155, 90, 245]);
    // Monday 31 January and Tuesday 1 February are one week: b's two orders, one active customer.
    const week = series.periods.findIndex((p) => p.name === '2011-01-31');
    expect([series.points[1][week].orders, series.points[1][week].activeCustomers]).toEqual([2, 1]);
  });

  it('counts distinct purchase days of a customer as orders when the data has no order ids', () => {
    const noIds = { ...transactions, order: new Int32Array(8).fill(-1) };
    const series = kpiSeries(noIds, segmentOfRow, 2);
    expect(series.points[0].map((p) => p.orders)).toEqual([1, 0, 2]); // a's 3 January lines are one purchase day (the return is not a purchase)
  });
});
