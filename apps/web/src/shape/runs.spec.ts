import { describe, expect, it } from 'vitest';
import type { RetrainRequest } from '../api/types';
import { aliasesOf, lastDecision, qualityFigures, triggerOf } from './runs';

const request = (r: Partial<RetrainRequest>): RetrainRequest => ({
  id: 'r',
  policy: 'p',
  segmentation: 's',
  trigger: 'dataset:abc',
  status: 'promoted',
  datasetVersion: 1,
  run: null,
  champion: null,
  outcome: null,
  drift: null,
  error: null,
  review: null,
  createdAt: '2026-01-01',
  finishedAt: null,
  ...r,
});

describe('run facts', () => {
  it('names what started a run: the retrain that made it, else a manual run', () => {
    const retrains = [
      request({ run: { id: 'run2', version: 2 }, trigger: 'cron:2026-01-05T03:00', status: 'flagged' }),
    ];
    expect(triggerOf({ id: 'run2' }, retrains)).toBe('cron (retrain policy, flagged)');
    expect(triggerOf({ id: 'run1' }, retrains)).toBe('manual');
  });

  it("keeps the model's quality figures without the per-k search trace", () => {
    expect(qualityFigures({ inertia_k2: 1, silhouette_k2: 0.4, k: 3, silhouette: 0.41, inertia: 4312 })).toEqual([
      ['k', 3],
      ['silhouette', 0.41],
      ['inertia', 4312],
    ]);
    expect(qualityFigures(null)).toEqual([]);
  });

  it('finds the aliases of a run and the last decided retrain', () => {
    expect(
      aliasesOf({ id: 'x' }, [{ name: 'champion', run: { id: 'x', version: 1 }, updatedAt: '', updatedBy: '' }]),
    ).toEqual(['champion']);
    const list = [
      request({ id: 'a', createdAt: '2026-01-01' }),
      request({ id: 'b', createdAt: '2026-02-01', status: 'flagged' }),
      request({ id: 'c', createdAt: '2026-03-01', status: 'training' }),
    ];
    expect(lastDecision(list)?.id).toBe('b');
  });
});
