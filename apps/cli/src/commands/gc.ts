import type { Workbench } from '@workbench/services';
import type { Output } from '../output';

const megabytes = (bytes: number) => `${(bytes / 2 ** 20).toFixed(1)} MiB`;

/**
 * `workbench gc [--grace-hours N] [--dry-run] [--json]`: removes artifact files no database row references
 * (a failed or interrupted run's model and assignments, an ingest that failed after storing its content, the
 * content of a write a killed process never finished),
 * keeping those stored within the last N hours (default 24), which a run or ingest in flight may be about to record.
 */
export async function collectArtifacts(
  workbench: Workbench,
  out: Output,
  options: { graceHours: number; dryRun?: boolean; json?: boolean },
): Promise<void> {
  const report = await workbench.artifactCollector.collect({
    graceMs: options.graceHours * 3600_000,
    dryRun: options.dryRun,
  });
  if (options.json) {
    out.line(JSON.stringify(report, null, 2));
    return;
  }
  out.line(
    `${report.dryRun ? 'would remove' : 'removed'} ${report.removed} artifact(s) no row references` +
      (report.unfinishedPuts > 0 ? ` and ${report.unfinishedPuts} unfinished write(s)` : '') +
      ` (${megabytes(report.bytesFreed)}); ` +
      `kept ${report.referenced} referenced and ${report.recent} unreferenced stored within the last ${options.graceHours} h`,
  );
}
