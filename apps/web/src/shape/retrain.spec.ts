import { describe, expect, it } from 'vitest';
import { psiOption } from '../charts/options';
import {
  caretLine,
  foldedShiftsLabel,
  kpiShiftsBySegment,
  needsReview,
  newestFirst,
  psiBars,
  retrainVerdict,
  triggerLabel,
} from './retrain';

describe('retrain requests', () => {
  it('asks for a review only of a flagged candidate nobody decided on', () => {
    expect(needsReview({ status: 'flagged', review: null })).toBe(true);
    expect(needsReview({ status: 'promoted', review: null })).toBe(false);
    const review = { decision: 'rejected' as const, by: 'ana', at: '2026-12-03T12:00:00Z' };
    expect(needsReview({ status: 'flagged', review })).toBe(false);
    expect(retrainVerdict({ status: 'flagged', review })).toBe('flagged, then rejected by ana');
    expect(retrainVerdict({ status: 'flagged', review: null })).toBe('flagged, needs review');
    expect(retrainVerdict({ status: 'failed', review: null })).toBe('failed');
  });

  it('names the trigger, and lists newest first', () => {
    expect(triggerLabel('dataset:0b6d')).toBe('new dataset version');
    expect(triggerLabel('cron:2026-12-03T03:00:00.000Z')).toBe('schedule 2026-12-03T03:00:00.000Z');
    expect(triggerLabel('manual:1f')).toBe('manual request');
    const rows = [{ createdAt: '2026-12-01' }, { createdAt: '2026-12-03' }, { createdAt: '2026-12-02' }];
    expect(newestFirst(rows).map((r) => r.createdAt)).toEqual(['2026-12-03', '2026-12-02', '2026-12-01']);
  });

  it('puts the caret under the column a parse error names', () => {
    const rule = 'ari >= high';
    const caret = caretLine(8);
    expect(caret.indexOf('^')).toBe(rule.indexOf('high'));
    // The end of the rule is its length + 1: the caret goes just past the last character.
    expect(caretLine('ari >='.length + 1)).toBe('      ^');
  });
});

describe('PSI bars', () => {
  const drift = {
    features: [
      { feature: 'recency_days', kind: 'numeric' as const, psi: 0.31, level: 'significant' as const },
      { feature: 'frequency', kind: 'numeric' as const, psi: 0.04, level: 'stable' as const },
      { feature: 'monetary', kind: 'numeric' as const, psi: null, level: 'unknown' as const },
    ],
  };

  it('draws one bar per feature, coloured by level, with the two thresholds as lines', () => {
    expect(psiBars(drift).map((b) => b.feature)).toEqual(['recency_days', 'frequency', 'monetary']);
    const option = psiOption(psiBars(drift), { moderate: 0.1, significant: 0.25 });
    const series = (option.series as { data: { value: number | null; itemStyle: { color: string } }[] }[])[0];
    expect(series.data.map((d) => d.value)).toEqual([0.31, 0.04, null]);
    expect(series.data[0].itemStyle.color).not.toBe(series.data[1].itemStyle.color);
    const lines = (option.series as { markLine: { data: { yAxis: number; name: string }[] } }[])[0].markLine.data;
    expect(lines.map((l) => l.yAxis)).toEqual([0.1, 0.25]);
    // The axis reaches past the highest threshold, so both lines show even when every PSI is small.
    expect((option.yAxis as { max: (v: { max: number }) => number }).max({ max: 0.04 })).toBeGreaterThan(0.25);
  });
});

describe('KPI shifts by segment', () => {
  const shift = (segment: string | null, kpi: string, relativeChange: number | null, flagged: boolean) => ({
    segment,
    kpi,
    champion: 1,
    candidate: 1,
    absoluteChange: 0,
    relativeChange,
    flagged,
  });
  const kpis = [
    shift('a', 'revenue', 0.05, false),
    shift('a', 'orders', -0.4, true),
    shift('b', 'revenue', 0.9, true),
    shift('a', 'aov', 0.3, true),
    shift(null, 'revenue', 0.02, false),
    shift('a', 'nps', null, true),
    shift('c', 'orders', null, true),
    shift('a', 'margin', 0.35, true),
    shift('b', 'orders', -0.01, false),
    shift('a', 'returns', -0.02, false),
  ];
  const names = (shifts: readonly { kpi: string }[]) => shifts.map((k) => k.kpi);

  it("groups by segment: each one's 3 largest flagged changes open, the rest folded, flagged first", () => {
    const groups = kpiShiftsBySegment(kpis);
    // b's largest flagged change is 90 %, a's 40 %; c's has no relative figure; all customers have none flagged.
    expect(groups.map((g) => g.segment)).toEqual(['b', 'a', 'c', null]);
    const [b, a, c, all] = groups;
    expect([a.flagged, names(a.open), names(a.folded)]).toEqual([
      4,
      ['orders', 'margin', 'aov'],
      ['nps', 'revenue', 'returns'],
    ]);
    expect([b.flagged, names(b.open), names(b.folded)]).toEqual([1, ['revenue'], ['orders']]);
    expect([c.flagged, names(c.open), names(c.folded)]).toEqual([1, ['orders'], []]);
    expect([all.flagged, names(all.open), names(all.folded)]).toEqual([0, [], ['revenue']]);
    // Every shift is in one group, once; the report itself is not reordered.
    expect(groups.reduce((n, g) => n + g.open.length + g.folded.length, 0)).toBe(kpis.length);
    expect(names(kpis)).toEqual([
      'revenue',
      'orders',
      'revenue',
      'aov',
      'revenue',
      'nps',
      'orders',
      'margin',
      'orders',
      'returns',
    ]);
  });

  it("says what a segment's fold holds", () => {
    const [b, a, c, all] = kpiShiftsBySegment(kpis);
    expect(foldedShiftsLabel(a)).toBe('1 more flagged and 2 changes below the threshold');
    expect(foldedShiftsLabel(b)).toBe('1 change below the threshold');
    expect(foldedShiftsLabel(c)).toBe('');
    expect(foldedShiftsLabel(all)).toBe('1 change below the threshold');
    expect(foldedShiftsLabel(kpiShiftsBySegment(kpis, 1)[1])).toBe('3 more flagged and 2 changes below the threshold');
  });
});
