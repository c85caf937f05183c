import { contingencyTable, contingencyTableFromRows, rowPercentages, tableRows } from './contingency-table';
import { ComparisonInputError } from './errors';

describe('contingencyTable', () => {
  it('counts customers per (segment of A, segment of B) with row and column totals', () => {
    const table = contingencyTable(Int32Array.of(0, 0, 1, 1, 1), 2, Int32Array.of(2, 0, 2, 2, 1), 3);
    expect(tableRows(table)).toEqual([
      [1, 0, 1],
      [0, 1, 2],
    ]);
    expect(Array.from(table.rowTotals)).toEqual([2, 3]);
    expect(Array.from(table.colTotals)).toEqual([1, 1, 3]);
    expect(table.total).toBe(5);
  });

  it('keeps a row for a segment of A with no customers', () => {
    expect(tableRows(contingencyTable(Int32Array.of(0), 2, Int32Array.of(0), 1))).toEqual([[1], [0]]);
  });

  it('rejects a label outside [0, k) and names its position', () => {
    expect(() => contingencyTable(Int32Array.of(0, 3), 2, Int32Array.of(0, 0), 1)).toThrow(
      new ComparisonInputError('labelsA[1] = 3 is not a segment index in [0, 2)'),
    );
  });

  it('rejects label vectors of different lengths', () => {
    expect(() => contingencyTable(Int32Array.of(0, 1), 2, Int32Array.of(0), 1)).toThrow(ComparisonInputError);
  });
});

describe('rowPercentages', () => {
  it('gives each row of A as % of its customers, with zeros for an empty row', () => {
    const table = contingencyTableFromRows([
      [1, 3],
      [0, 0],
      [2, 2],
    ]);
    expect(rowPercentages(table)).toEqual([
      [25, 75],
      [0, 0],
      [50, 50],
    ]);
  });
});
