import { describe, expect, it } from 'vitest';
import type { Comparison } from '../api/types';
import { findComparison, migrationCells, sankeyData } from './migration';

const migration = {
  labelsA: ['Low', 'High'],
  labelsB: ['Low', 'High', 'New'],
  counts: [
    [8, 2, 0],
    [0, 5, 5],
  ],
  rowPercent: [
    [80, 20, 0],
    [0, 50, 50],
  ],
};

describe('sankeyData', () => {
  it('names both sides apart and links only the non-empty cells', () => {
    const { nodes, links } = sankeyData(migration, 'v1', 'v2');
    expect(nodes.map((n) => n.name)).toEqual(['v1: Low', 'v1: High', 'v2: Low', 'v2: High', 'v2: New']);
    expect(links).toEqual([
      { source: 'v1: Low', target: 'v2: Low', value: 8 },
      { source: 'v1: Low', target: 'v2: High', value: 2 },
      { source: 'v1: High', target: 'v2: High', value: 5 },
      { source: 'v1: High', target: 'v2: New', value: 5 },
    ]);
    expect(links.reduce((n, l) => n + l.value, 0)).toBe(20);
  });
});

describe('migrationCells', () => {
  it('gives [column of B, row of A, row %, count] for every cell', () => {
    const cells = migrationCells(migration);
    expect(cells).toHaveLength(6);
    expect(cells).toContainEqual([1, 0, 20, 2]);
    expect(cells).toContainEqual([2, 1, 50, 5]);
  });
});

describe('findComparison', () => {
  const c = (id: string, a: string, b: string, status: Comparison['status'], createdAt: string) =>
    ({
      id,
      runA: { id: a, segmentation: 's', version: 1 },
      runB: { id: b, segmentation: 's', version: 2 },
      status,
      createdAt,
    }) as Comparison;

  it('takes the newest comparison of A with B in that order, skipping failed ones', () => {
    const list = [
      c('old', 'a', 'b', 'succeeded', '2026-01-01'),
      c('new', 'a', 'b', 'succeeded', '2026-02-01'),
      c('failed', 'a', 'b', 'failed', '2026-03-01'),
      c('swapped', 'b', 'a', 'succeeded', '2026-04-01'),
    ];
    expect(findComparison(list, 'a', 'b')?.id).toBe('new');
    expect(findComparison(list, 'b', 'a')?.id).toBe('swapped');
    expect(findComparison(list, 'a', 'c')).toBeUndefined();
  });
});
