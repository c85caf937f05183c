import { comparisonView, type Workbench } from '@workbench/services';
import type { Output } from '../output';
import { renderTable } from '../table';

export interface CompareOptions {
  runA: string;
  runB: string;
  json?: boolean;
}

interface KpiDeltaView {
  kpi: string;
  a: number;
  b: number;
  delta: number;
  lower: number | null;
  upper: number | null;
  significant: boolean;
}
interface PairView {
  a: { label: string; size: number };
  b: { label: string; size: number };
  overlap: number;
  jaccard: number;
  deltas: KpiDeltaView[];
}

const num = (v: number | null, digits = 2) =>
  v === null || Number.isNaN(v) ? '—' : Math.abs(v) >= 1000 ? Math.round(v).toLocaleString('en-US') : v.toFixed(digits);
const pct = (v: number) => `${(v * 100).toFixed(1)}%`;

/**
 * `workbench compare <runA> <runB>`: queues the comparison, waits for it (processed in this process
 * when embedded) and prints agreement, the migration matrix and KPI deltas per matched segment.
 */
export async function compareRuns(workbench: Workbench, out: Output, options: CompareOptions): Promise<void> {
  const submitted = await workbench.comparisons.submit(options.runA, options.runB);
  const c = await workbench.comparisons.waitFor(submitted.id);
  if (c.status !== 'succeeded') throw new Error(`comparison ${c.id} failed: ${c.error}`);
  const metrics = c.metrics as { ari: number; nmi: number; matched: number; onlyInA: number; onlyInB: number };
  const migration = c.migration as { labelsA: string[]; labelsB: string[]; counts: number[][]; rowPercent: number[][] };
  const matching = c.matching as { pairs: PairView[]; unmatchedA: string[]; unmatchedB: string[] };
  if (options.json) {
    out.line(JSON.stringify(comparisonView(c), null, 2));
    return;
  }
  const a = `${c.runA.segmentation.name} v${c.runA.version}`;
  const b = `${c.runB.segmentation.name} v${c.runB.version}`;
  out.line(`${a}  →  ${b}`);
  out.line(
    `customers in both ${metrics.matched.toLocaleString('en-US')} · only in A ${metrics.onlyInA} · only in B ${metrics.onlyInB} · ARI ${metrics.ari.toFixed(4)} · NMI ${metrics.nmi.toFixed(4)}`,
  );
  out.line('');
  out.line(`migration: customers of each segment of ${a} (rows) by segment of ${b} (columns), with row %`);
  const migrationTable = renderTable(
    [{ header: 'A \\ B' }, ...migration.labelsB.map((label) => ({ header: label, align: 'right' as const }))],
    migration.labelsA.map((label, i) => [
      label,
      ...migration.counts[i].map((count, j) =>
        count === 0 ? '·' : `${count.toLocaleString('en-US')} (${migration.rowPercent[i][j].toFixed(0)}%)`,
      ),
    ]),
  );
  for (const line of migrationTable) out.line(line);
  out.line('');
  out.line('matched segments (Hungarian on overlap) and KPI changes B − A, 95% interval; * = significant');
  const rows = matching.pairs.flatMap((p) =>
    p.deltas.map((d, i) => {
      const isShare = d.kpi === 'share';
      const show = (v: number | null) => (isShare && v !== null ? pct(v) : num(v));
      return [
        i === 0 ? `${p.a.label} → ${p.b.label}` : '',
        i === 0 ? pct(p.jaccard) : '',
        d.kpi,
        show(d.a),
        show(d.b),
        `${d.delta >= 0 ? '+' : ''}${show(d.delta)}`,
        d.lower === null || d.upper === null ? '—' : `[${show(d.lower)}, ${show(d.upper)}]`,
        d.significant ? '*' : '',
      ];
    }),
  );
  const deltaTable = renderTable(
    [
      { header: 'segments' },
      { header: 'jaccard', align: 'right' },
      { header: 'kpi' },
      { header: 'A', align: 'right' },
      { header: 'B', align: 'right' },
      { header: 'change', align: 'right' },
      { header: '95% interval', align: 'right' },
      { header: '' },
    ],
    rows,
  );
  for (const line of deltaTable) out.line(line);
  if (matching.unmatchedA.length || matching.unmatchedB.length) {
    out.line(`unmatched: A ${matching.unmatchedA.join(', ') || '—'}; B ${matching.unmatchedB.join(', ') || '—'}`);
  }
}
