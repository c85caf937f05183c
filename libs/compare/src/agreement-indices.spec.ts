import { loadSklearnReference } from '../test/reference-fixture';
import { adjustedRandIndex, mutualInformation, normalizedMutualInfo } from './agreement-indices';
import { contingencyTable, contingencyTableFromRows, tableRows } from './contingency-table';

const reference = loadSklearnReference();
const tableOf = (labelsA: number[], kA: number, labelsB: number[], kB: number) =>
  contingencyTable(Int32Array.from(labelsA), kA, Int32Array.from(labelsB), kB);

describe('adjustedRandIndex and normalizedMutualInfo against scikit-learn 1.2', () => {
  describe.each(reference.labelCases)('$name', ({ labelsA, kA, labelsB, kB, ari, nmi, contingency }) => {
    it('builds the same contingency table as sklearn', () => {
      expect(tableRows(tableOf(labelsA, kA, labelsB, kB))).toEqual(contingency);
    });

    it('gives sklearn adjusted_rand_score to 1e-9', () => {
      expect(Math.abs(adjustedRandIndex(tableOf(labelsA, kA, labelsB, kB)) - ari)).toBeLessThan(1e-9);
    });

    it('gives sklearn normalized_mutual_info_score (arithmetic) to 1e-9', () => {
      expect(Math.abs(normalizedMutualInfo(tableOf(labelsA, kA, labelsB, kB)) - nmi)).toBeLessThan(1e-9);
    });
  });

  it('ignores segments without customers, as sklearn only sees the labels that occur', () => {
    const { labelsA, kA, labelsB, kB, ari, nmi } = reference.labelCases.find((c) =>
      c.name.startsWith('random k=3 vs k=6'),
    )!;
    const padded = tableOf(labelsA, kA + 4, labelsB, kB + 2);
    expect(Math.abs(adjustedRandIndex(padded) - ari)).toBeLessThan(1e-9);
    expect(Math.abs(normalizedMutualInfo(padded) - nmi)).toBeLessThan(1e-9);
  });

  it('treats one populated segment among empty ones as a single cluster (NMI 1 against one cluster)', () => {
    const table = contingencyTableFromRows([
      [0, 0],
      [7, 0],
    ]);
    expect(normalizedMutualInfo(table)).toBe(1);
    expect(adjustedRandIndex(table)).toBe(1);
  });
});

describe('hand-computed 2 × 2 tables', () => {
  it('gives ARI −1/2 and NMI 0 for the anti-diagonal split [[1, 1], [1, 1]]', () => {
    // Σ C(n_ij,2) = 0, Σ C(a_i,2) = Σ C(b_j,2) = 2, C(4,2) = 6: (0 − 4/6) / (2 − 4/6) = −1/2.
    const table = contingencyTableFromRows([
      [1, 1],
      [1, 1],
    ]);
    expect(adjustedRandIndex(table)).toBeCloseTo(-0.5, 15);
    expect(normalizedMutualInfo(table)).toBe(0);
  });

  it('gives ARI 12/37 for [[2, 1], [0, 3]]', () => {
    // Σ C(n_ij,2) = 1 + 3 = 4; rows (3, 3) → 6; columns (2, 4) → 7; C(6,2) = 15; expected 42/15 = 2.8.
    // (4 − 2.8) / ((6 + 7)/2 − 2.8) = 1.2 / 3.7.
    const table = contingencyTableFromRows([
      [2, 1],
      [0, 3],
    ]);
    expect(adjustedRandIndex(table)).toBeCloseTo(12 / 37, 15);
  });

  it('gives MI = ln2/6 + ln(3/2)/2 and NMI = MI / mean(H(A), H(B)) for [[2, 1], [0, 3]]', () => {
    const table = contingencyTableFromRows([
      [2, 1],
      [0, 3],
    ]);
    const mi = Math.LN2 / 6 + Math.log(1.5) / 2;
    const hA = Math.LN2;
    const hB = Math.log(3) - (2 / 3) * Math.LN2;
    expect(mutualInformation(table)).toBeCloseTo(mi, 15);
    expect(normalizedMutualInfo(table)).toBeCloseTo(mi / ((hA + hB) / 2), 15);
  });
});

describe('edge cases', () => {
  it('gives ARI = NMI = 1 for no customers, as sklearn does for empty labelings', () => {
    const table = tableOf([], 3, [], 2);
    expect(adjustedRandIndex(table)).toBe(1);
    expect(normalizedMutualInfo(table)).toBe(1);
  });
});
