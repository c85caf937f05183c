import type { TransactionColumns } from '@workbench/plugin-sdk';
import { cohortRetentionMatrix } from './cohort-retention';

const at = (iso: string) => Date.parse(`${iso}T12:00:00Z`);

/** Purchases: A 2024-01-15, 05-10, 06-10 (return on 05-20); B 03-05; C 05-15, 05-25; D 06-20. Reference 2024-07-01. */
const lines: [row: number, day: string, isReturn: 0 | 1][] = [
  [0, '2024-01-15', 0],
  [0, '2024-05-10', 0],
  [0, '2024-05-20', 1],
  [0, '2024-06-10', 0],
  [1, '2024-03-05', 0],
  [2, '2024-05-15', 0],
  [2, '2024-05-25', 0],
  [3, '2024-06-20', 0],
  [3, '2024-07-02', 0],
];
const tx: TransactionColumns = {
  customerRow: Int32Array.from(lines, (l) => l[0]),
  order: Int32Array.from(lines, (_, i) => i),
  timestamp: Float64Array.from(lines, (l) => at(l[1])),
  amount: new Float64Array(lines.length).fill(1),
  isReturn: Uint8Array.from(lines, (l) => l[2]),
};

describe('cohortRetentionMatrix', () => {
  const matrix = cohortRetentionMatrix(tx, { referenceDate: Date.UTC(2024, 6, 1), rowCount: 4, maxMonths: 6 });

  it('groups customers by the month of their first purchase', () => {
    expect(matrix.cohorts).toEqual(['2024-01', '2024-03', '2024-05', '2024-06']);
    expect(matrix.sizes).toEqual([1, 1, 1, 1]);
    expect(matrix.months).toBe(7);
  });

  it('marks each month after acquisition with a purchase, and leaves months not ended by the reference date null', () => {
    // A: Jan (k0), May (k4), Jun (k5); Jul (k6) has not ended. B: Mar (k0) only; Jul (k4) not ended. D's July purchase is after the reference date.
    expect(matrix.retention[0]).toEqual([1, 0, 0, 0, 1, 1, null]);
    expect(matrix.retention[1]).toEqual([1, 0, 0, 0, null, null, null]);
    expect(matrix.retention[2]).toEqual([1, 0, null, null, null, null, null]);
    expect(matrix.retention[3]).toEqual([1, null, null, null, null, null, null]);
    expect(matrix.referenceDate).toBe('2024-07-01');
  });

  it('restricts the matrix to the included rows', () => {
    const only = cohortRetentionMatrix(tx, {
      referenceDate: Date.UTC(2024, 6, 1),
      rowCount: 4,
      maxMonths: 2,
      include: Uint8Array.from([0, 1, 1, 0]),
    });
    expect(only.cohorts).toEqual(['2024-03', '2024-05']);
    expect(only.active).toEqual([
      [1, 0, 0],
      [1, 0, 0],
    ]);
  });

  it('refuses more months than its 32-bit activity mask holds', () => {
    expect(() =>
      cohortRetentionMatrix(tx, { referenceDate: Date.UTC(2024, 6, 1), rowCount: 4, maxMonths: 40 }),
    ).toThrow('maxMonths must be an integer in [0, 31], got 40');
  });
});
