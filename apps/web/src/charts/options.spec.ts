import { describe, expect, it } from 'vitest';
import { migrationHeatmapOption } from './options';

describe('migration heatmap', () => {
  it("lists A's segments top-down in the API's order, as the table does", () => {
    const option = migrationHeatmapOption(
      {
        labelsA: ['Cluster 1', 'Cluster 2'],
        labelsB: ['Cluster 1', 'Cluster 2'],
        counts: [
          [3, 1],
          [0, 4],
        ],
        rowPercent: [
          [75, 25],
          [0, 100],
        ],
      },
      'v1',
      'v2',
    );
    const yAxis = option.yAxis as { data: string[]; inverse: boolean };
    expect(yAxis.data).toEqual(['Cluster 1', 'Cluster 2']);
    // A category axis puts its first entry at the bottom unless inverted.
    expect(yAxis.inverse).toBe(true);
  });
});
