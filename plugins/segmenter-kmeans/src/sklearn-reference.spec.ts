import { adjustedRandIndex, createTestRunContext } from '@workbench/plugin-sdk/testing';
import { validateParams } from '@workbench/plugin-sdk';
import { mallCustomersFrame, sklearnReference } from '../test/mall-customers';
import { decodeArtifact } from './artifact';
import { KMeansParams } from './kmeans-params';
import { rowMatrix } from './row-matrix';
import { silhouette } from './silhouette';
import { trainKMeans } from './train';
import { applyZScore, fitZScore } from './z-score';

// Independent reference: scikit-learn 1.2.1 on the same file (test/reference/sklearn_reference.py,
// output committed as test/fixtures/sklearn-reference.json).
const reference = sklearnReference();
const frame = mallCustomersFrame();
const features = ['annual_income', 'spending_score'];
const relative = (a: number, b: number): number => Math.abs(a - b) / Math.max(Math.abs(b), Number.MIN_VALUE);

async function train(raw: Partial<KMeansParams>) {
  return trainKMeans(
    validateParams('segmenter-kmeans', KMeansParams, { features, ...raw }),
    frame,
    createTestRunContext({ seed: 42 }),
  );
}

describe('segmenter-kmeans against scikit-learn on Mall Customers (income × spending)', () => {
  it('scales with the same means and population standard deviations as StandardScaler', async () => {
    const model = decodeArtifact((await train({ k: 5 })).artifact);
    model.means!.forEach((m, j) => expect(relative(m, reference.means[j])).toBeLessThan(1e-12));
    model.stds!.forEach((s, j) => expect(relative(s, reference.stds[j])).toBeLessThan(1e-12));
  });

  it('finds the same k=5 partition as KMeans(n_init=50) (adjusted Rand index 1)', async () => {
    const trained = await train({ k: 5, nInit: 10 });
    expect(adjustedRandIndex(trained.assignments.segment, reference.k5.labels)).toBe(1);
  });

  it('has the same k=5 inertia within 1e-9 relative', async () => {
    const trained = await train({ k: 5, nInit: 10 });
    expect(relative(trained.metrics.inertia, reference.k5.inertia)).toBeLessThan(1e-9);
  });

  it('has the same k=5 centroids, in original units and in z-scores, within 1e-9 relative', async () => {
    const trained = await train({ k: 5, nInit: 10 });
    const model = decodeArtifact(trained.artifact);
    for (const segment of trained.segments) {
      // Our segment's sklearn cluster: the label of any member (the partitions are equal).
      const member = trained.assignments.segment.indexOf(segment.key);
      const theirs = reference.k5.labels[member];
      features.forEach((name, j) => {
        expect(relative(segment.profile[name] as number, reference.k5.centroids_original[theirs][j])).toBeLessThan(
          1e-9,
        );
        expect(relative(model.centroids[segment.key][j], reference.k5.centroids_scaled[theirs][j])).toBeLessThan(1e-9);
      });
    }
  });

  it("computes the same silhouette as silhouette_score on sklearn's own labels, within 1e-12", () => {
    const raw = rowMatrix(
      Float64Array.from(
        frame.ids.flatMap((_, i) => features.map((f) => (frame.columns[f] as { values: Float64Array }).values[i])),
      ),
      2,
    );
    const scaled = applyZScore(raw, fitZScore(raw));
    const ours = silhouette(scaled, Int32Array.from(reference.k5.labels), 5);
    expect(Math.abs(ours - reference.k5.silhouette)).toBeLessThan(1e-12);
    expect(Math.abs(ours - reference.k5.silhouette_exact)).toBeLessThan(1e-12);
  });

  it("picks sklearn's best k over 2..8 by silhouette", async () => {
    expect(reference.best_k_by_silhouette).toBe(5); // the classic answer for this data
    const trained = await train({ kMin: 2, kMax: 8, nInit: 10 });
    expect(trained.metrics.k).toBe(reference.best_k_by_silhouette);
    expect(Math.abs(trained.metrics.silhouette - reference.k5.silhouette)).toBeLessThan(1e-12);
  });

  // k=2, 7 and 8 have many local optima on this data (sklearn's own single k-means++ runs reach its
  // best k=2 inertia in 3% of seeds), so only the well-separated k=3..5 must match exactly.
  it('reaches the sklearn optimum at k=3..5 and never beats it at any k', async () => {
    const trained = await train({ kMin: 2, kMax: 8, nInit: 10 });
    for (const k of [3, 4, 5]) {
      expect({ k, inertia: relative(trained.metrics[`inertia_k${k}`], reference.by_k[k].inertia) < 1e-9 }).toEqual({
        k,
        inertia: true,
      });
    }
    for (const [k, theirs] of Object.entries(reference.by_k)) {
      expect({ k, notBelow: trained.metrics[`inertia_k${k}`] >= theirs.inertia * (1 - 1e-9) }).toEqual({
        k,
        notBelow: true,
      });
    }
  });

  it('reports the k=5 inertia and silhouette in original units as sklearn measures them on the unscaled values', async () => {
    const trained = await train({ k: 5 });
    expect(relative(trained.metrics.inertia_original, reference.k5.inertia_original)).toBeLessThan(1e-9);
    expect(Math.abs(trained.metrics.silhouette_original - reference.k5.silhouette_original_exact)).toBeLessThan(1e-12);
  });

  it.each(['minmax', 'none'] as const)(
    "standardize '%s' fits as sklearn does after that scaling (labels, inertia and silhouette in both spaces)",
    async (standardize) => {
      const theirs = reference.k5_by_scaling[standardize];
      const trained = await train({ k: 5, standardize });
      expect(adjustedRandIndex(trained.assignments.segment, theirs.labels)).toBe(1);
      expect(relative(trained.metrics.inertia, theirs.inertia)).toBeLessThan(1e-9);
      expect(Math.abs(trained.metrics.silhouette - theirs.silhouette_exact)).toBeLessThan(1e-12);
      expect(relative(trained.metrics.inertia_original, theirs.inertia_original)).toBeLessThan(1e-9);
      expect(Math.abs(trained.metrics.silhouette_original - theirs.silhouette_original_exact)).toBeLessThan(1e-12);
    },
  );

  // The default nInit (10 restarts below 10,000 rows) must make the optimum independent of the seed.
  // With a single start, about one seed in five lands in a worse optimum: shown here too, so this test
  // proves the default is what makes the difference.
  it('reaches the sklearn k=5 optimum from every one of 40 seeds with the default nInit, and not with nInit 1', async () => {
    const seeds = Array.from({ length: 40 }, (_, i) => i + 1);
    const fit = async (seed: number, raw: Partial<KMeansParams>) =>
      (
        await trainKMeans(
          validateParams('segmenter-kmeans', KMeansParams, { features, k: 5, ...raw }),
          frame,
          createTestRunContext({ seed }),
        )
      ).metrics;
    const missed = async (raw: Partial<KMeansParams>) => {
      const out: number[] = [];
      for (const seed of seeds)
        if (relative((await fit(seed, raw)).inertia, reference.k5.inertia) > 1e-9) out.push(seed);
      return out;
    };
    expect((await fit(1, {})).n_init).toBe(10);
    expect(await missed({})).toEqual([]);
    const single = await missed({ nInit: 1 });
    expect(single.length).toBeGreaterThanOrEqual(4);
  });
});
