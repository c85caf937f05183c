import { loadSklearnReference } from '../test/reference-fixture';
import { ComparisonInputError } from './errors';
import { linearSumAssignment } from './linear-sum-assignment';

const reference = loadSklearnReference();

describe('linearSumAssignment against scipy.optimize.linear_sum_assignment(maximize=True)', () => {
  const solve = (matrix: number[][]) =>
    linearSumAssignment(matrix.flat(), matrix.length, matrix[0]!.length, { maximize: true });

  it.each(reference.assignmentCases)('reaches the same optimal total for $name', ({ matrix, total }) => {
    expect(solve(matrix).total).toBeCloseTo(total, 9);
  });

  // The reference script proves by brute force which optima are unique; only there must the pairs agree.
  it.each(reference.assignmentCases.filter((c) => c.isUnique))(
    'picks the same pairs for $name',
    ({ matrix, rows, cols }) => {
      expect(solve(matrix)).toMatchObject({ rows, cols });
    },
  );
});

describe('linearSumAssignment', () => {
  it('minimises by default', () => {
    expect(linearSumAssignment([4, 1, 3, 2, 0, 5, 3, 2, 2], 3, 3)).toEqual({
      rows: [0, 1, 2],
      cols: [1, 0, 2],
      total: 5,
    });
  });

  it('rejects a matrix whose size does not match its shape', () => {
    expect(() => linearSumAssignment([1, 2, 3], 2, 2)).toThrow(ComparisonInputError);
  });
});
