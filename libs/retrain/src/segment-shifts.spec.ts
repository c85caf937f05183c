import { loadPsiReference, relativeError } from '../test/reference-fixture';
import { segmentShifts } from './segment-shifts';
import { RetrainInputError } from './errors';

const reference = loadPsiReference();

describe('segmentShifts', () => {
  it.each(reference.segmentCases)('gives the numpy PSI over the union of labels for $name', (c) => {
    expect(relativeError(segmentShifts(c.champion, c.candidate).psi as number, c.psi)).toBeLessThan(1e-12);
  });

  it('gives shares, share change and a flag at 5 points (hand-computed)', () => {
    const r = segmentShifts(
      [
        { label: 'Loyal', size: 60 },
        { label: 'At Risk', size: 40 },
      ],
      [
        { label: 'Loyal', size: 50 },
        { label: 'At Risk', size: 50 },
      ],
    );
    expect(r.segments.map((s) => [s.label, s.championShare, s.candidateShare, s.flagged])).toEqual([
      ['At Risk', 0.4, 0.5, true],
      ['Loyal', 0.6, 0.5, true],
    ]);
    // 0.1·ln(0.5/0.4) − 0.1·ln(0.5/0.6)
    expect(r.psi).toBeCloseTo(0.1 * Math.log(1.25) - 0.1 * Math.log(5 / 6), 14);
    expect(r.level).toBe('stable');
  });

  it('rejects a label given twice', () => {
    expect(() =>
      segmentShifts(
        [
          { label: 'A', size: 1 },
          { label: 'A', size: 2 },
        ],
        [],
      ),
    ).toThrow(new RetrainInputError("champion segment label 'A' appears twice (positions 0 and 1)"));
  });
});
