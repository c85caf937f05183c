import type { ScoredRow } from '../scorings.service';

/** A CSV field, quoted when it holds a comma, a quote or a line break (RFC 4180). */
export const csvField = (v: string) => (/[",\n\r]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v);

/** Customer → segment rows as CSV lines (customer_id, segment_key, segment, score): a run's export, a segment's audience. */
export function assignmentRowsCsv(
  rows: readonly { customerId: string; segmentKey: number; segmentLabel: string; score: number | null }[],
): string[] {
  return [
    'customer_id,segment_key,segment,score',
    ...rows.map((r) => `${csvField(r.customerId)},${r.segmentKey},${csvField(r.segmentLabel)},${r.score ?? ''}`),
  ];
}

/** Scored rows as CSV lines (customer_id, segment_key, segment, score, error), as the API's export and the CLI print them. */
export function scoredRowsCsv(rows: readonly ScoredRow[]): string[] {
  return [
    'customer_id,segment_key,segment,score,error',
    ...rows.map((r) =>
      [
        csvField(r.customerId),
        r.segmentKey ?? '',
        csvField(r.segmentLabel ?? ''),
        r.score ?? '',
        csvField(r.error ?? ''),
      ].join(','),
    ),
  ];
}
