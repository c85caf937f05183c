import { describe, expect, it } from 'vitest';
import { kpiTrack } from './track';

describe('kpiTrack', () => {
  it("draws the server's matched chains, a gap where a version has no segment in the chain or no value", () => {
    const track = kpiTrack({
      versions: [
        { runId: 'r1', version: 1, datasetVersion: 1 },
        { runId: 'r2', version: 2, datasetVersion: 1 },
      ],
      overall: [
        { value: 10, lower: null, upper: null, n: 9 },
        { value: 12, lower: 11, upper: 13, n: 9 },
      ],
      lines: [
        // v1's "Low" matched to v2's "Cluster 2": one line, named by the anchor version's label.
        {
          label: 'Cluster 2',
          keys: [0, 1],
          labels: ['Low', 'Cluster 2'],
          points: [
            { value: 4, lower: 3, upper: 5, n: 4 },
            { value: 5, lower: null, upper: null, n: 5 },
          ],
        },
        {
          label: 'New',
          keys: [null, 0],
          labels: [null, 'New'],
          points: [null, { value: null, lower: null, upper: null, n: 0 }],
        },
      ],
    });
    expect(track.versions).toEqual([1, 2]);
    expect(track.lines).toEqual([
      {
        name: 'All customers',
        points: [
          { value: 10, lower: null, upper: null },
          { value: 12, lower: 11, upper: 13 },
        ],
      },
      {
        name: 'Cluster 2',
        points: [
          { value: 4, lower: 3, upper: 5 },
          { value: 5, lower: null, upper: null },
        ],
      },
      { name: 'New', points: [null, null] },
    ]);
  });
});
