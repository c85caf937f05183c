import { IsIn, IsOptional, IsString } from 'class-validator';
import {
  defineSegmentationModel,
  FeatureRequirementError,
  numericMatrix,
  type SegmentationModel,
} from '@workbench/plugin-sdk';

/** The ways the plugin breaks its host's limits, in training (mode) or scoring (a customer of that id). */
export const MISBEHAVIOURS = ['loop', 'pending', 'heap-bomb', 'buffer-bomb', 'exit'] as const;
export const HOSTILE_MODES = ['ok', ...MISBEHAVIOURS, 'mutate', 'missing-feature'] as const;

class HostileParams {
  /** What the plugin does: behave (`ok`), or break the host's limits in one of the ways a plugin can. */
  @IsIn(HOSTILE_MODES) mode: (typeof HOSTILE_MODES)[number] = 'ok';
  /** Numeric feature the `ok` and `mutate` modes split at its median. */
  @IsOptional() @IsString() feature = 'monetary';
}

/** Breaks the host's limits in the way `mode` names; never returns. */
async function misbehave(mode: (typeof MISBEHAVIOURS)[number]): Promise<never> {
  switch (mode) {
    case 'loop':
      for (;;) {
        // spins; only terminating the thread stops it
      }
    case 'pending':
      return new Promise<never>(() => undefined);
    case 'heap-bomb': {
      const hoard: number[][] = [];
      for (;;) hoard.push(new Array(1_000_000).fill(Math.random()));
    }
    case 'buffer-bomb': {
      const hoard: Buffer[] = [];
      for (;;) hoard.push(Buffer.alloc(64 * 1024 * 1024, 1));
    }
    case 'exit':
      return process.exit(1);
  }
}

/**
 * A segmenter that misbehaves on request, for tests of the plugin sandbox: it loops forever, leaves its
 * promise pending, allocates without bound (JS heap or buffers), calls process.exit, or multiplies its
 * input column by 10 in place before splitting at the median like `ok`. Scoring puts customers on either
 * side of the trained median, and misbehaves when a customer's id names one of the {@link MISBEHAVIOURS}.
 */
const hostile: SegmentationModel<HostileParams> = defineSegmentationModel<HostileParams>({
  contractVersion: 1,
  manifest: {
    name: 'test-hostile',
    version: '1.0.0',
    kind: 'segmenter',
    sdk: '^1.0.0',
    description: 'misbehaves on request (sandbox tests)',
    params: HostileParams,
    requires: [],
    artifactFormat: 'hostile/1',
    producesScores: false,
  },
  async train({ params, frame }) {
    if (params.mode === 'missing-feature')
      throw new FeatureRequirementError(
        `feature 'nope' is not in the data (available: ${Object.keys(frame.columns).join(', ')})`,
      );
    if (params.mode === 'mutate') {
      const column = frame.columns[params.feature];
      if (column?.kind === 'numeric') for (let i = 0; i < column.values.length; i++) column.values[i] *= 10;
    } else if (params.mode !== 'ok') await misbehave(params.mode);
    const values = numericMatrix(frame, [params.feature]);
    const median = Float64Array.from(values).sort()[Math.floor(values.length / 2)];
    const segment = Int32Array.from(values, (v) => (v >= median ? 1 : 0));
    const high = segment.reduce((a, b) => a + b, 0);
    return {
      artifact: {
        format: 'hostile/1',
        bytes: new TextEncoder().encode(JSON.stringify({ feature: params.feature, median })),
      },
      segments: [
        { key: 0, label: 'Low', size: segment.length - high, profile: { median } },
        { key: 1, label: 'High', size: high, profile: { median } },
      ],
      assignments: { segment },
      metrics: { median },
    };
  },
  async assign(model, frame) {
    const misbehaviour = MISBEHAVIOURS.find((m) => frame.ids.includes(m));
    if (misbehaviour) await misbehave(misbehaviour);
    const { feature, median } = JSON.parse(new TextDecoder().decode(model.bytes)) as {
      feature: string;
      median: number;
    };
    return { segment: Int32Array.from(numericMatrix(frame, [feature]), (v) => (v >= median ? 1 : 0)) };
  },
});

export default hostile;
