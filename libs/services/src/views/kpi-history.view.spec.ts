import { segmentChains } from './kpi-history.view';

const segs = (...labels: string[]) => labels.map((label, key) => ({ key, label }));

describe('segmentChains', () => {
  it('follows each segment through the matching of consecutive versions, not by label', () => {
    // v1 A0 B1; v2 swaps the labels' keys: v1's 0 ↔ v2's 1, v1's 1 ↔ v2's 0; v3 has a third segment.
    const chains = segmentChains({
      segments: [segs('Low', 'High'), segs('High', 'Low'), segs('High', 'Low', 'New')],
      links: [
        new Map([
          [0, 1],
          [1, 0],
        ]),
        new Map([
          [0, 0],
          [1, 1],
        ]),
      ],
      anchor: 2,
    });
    expect(chains).toEqual([
      { label: 'High', keys: [1, 0, 0], labels: ['High', 'High', 'High'] },
      { label: 'Low', keys: [0, 1, 1], labels: ['Low', 'Low', 'Low'] },
      { label: 'New', keys: [null, null, 2], labels: [null, null, 'New'] },
    ]);
  });

  it('ends a chain at an unmatched segment and starts one at a segment nothing matched to', () => {
    const chains = segmentChains({
      segments: [segs('a', 'b', 'c'), segs('x', 'y')],
      links: [
        new Map([
          [2, 0],
          [0, 1],
        ]),
      ],
      anchor: 0,
    });
    expect(chains.map((c) => [c.label, c.keys])).toEqual([
      ['a', [0, 1]],
      ['b', [1, null]],
      ['c', [2, 0]],
    ]);
  });

  it("names a chain that misses the anchor version by its newest label and lists it after the anchor's", () => {
    const chains = segmentChains({ segments: [segs('a', 'b'), segs('p')], links: [new Map([[1, 0]])], anchor: 1 });
    expect(chains.map((c) => [c.label, c.keys])).toEqual([
      ['p', [1, 0]],
      ['a', [0, null]],
    ]);
  });
});
