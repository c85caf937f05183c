import { kpiShifts } from './kpi-shifts';
import { RetrainInputError } from './errors';

describe('kpiShifts', () => {
  it('gives absolute and relative change matched by segment and KPI, flagged at 10 %', () => {
    const shifts = kpiShifts(
      [
        { segment: null, kpi: 'revenue', value: 200 },
        { segment: 'Loyal', kpi: 'revenue', value: 100 },
      ],
      [
        { segment: 'Loyal', kpi: 'revenue', value: 95 },
        { segment: null, kpi: 'revenue', value: 150 },
      ],
    );
    expect(shifts).toEqual([
      {
        segment: null,
        kpi: 'revenue',
        champion: 200,
        candidate: 150,
        absoluteChange: -50,
        relativeChange: -0.25,
        flagged: true,
      },
      {
        segment: 'Loyal',
        kpi: 'revenue',
        champion: 100,
        candidate: 95,
        absoluteChange: -5,
        relativeChange: -0.05,
        flagged: false,
      },
    ]);
  });

  it('flags a change away from a champion value of 0, with no relative change', () => {
    expect(
      kpiShifts([{ segment: 'A', kpi: 'churn', value: 0 }], [{ segment: 'A', kpi: 'churn', value: 0.2 }])[0],
    ).toMatchObject({
      absoluteChange: 0.2,
      relativeChange: null,
      flagged: true,
    });
  });

  it('lists a KPI of one run only with null on the other side, unflagged', () => {
    expect(kpiShifts([], [{ segment: 'New', kpi: 'aov', value: 3 }])).toEqual([
      {
        segment: 'New',
        kpi: 'aov',
        champion: null,
        candidate: 3,
        absoluteChange: null,
        relativeChange: null,
        flagged: false,
      },
    ]);
  });

  it('treats a NaN value as not available', () => {
    expect(
      kpiShifts([{ segment: null, kpi: 'clv', value: Number.NaN }], [{ segment: null, kpi: 'clv', value: 1 }])[0],
    ).toMatchObject({ champion: null, flagged: false });
  });

  it('rejects a KPI given twice for one segment', () => {
    const twice = [
      { segment: 'A', kpi: 'aov', value: 1 },
      { segment: 'A', kpi: 'aov', value: 2 },
    ];
    expect(() => kpiShifts(twice, [])).toThrow(
      new RetrainInputError("champion KPI 'aov' for segment 'A' appears twice (position 1)"),
    );
  });
});
