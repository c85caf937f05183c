import type { FeatureFrame, KpiResult } from '@workbench/plugin-sdk';
import { netPromoterInterval, normalMeanInterval, wilsonInterval } from './intervals';
import { SURVEY_TABLE } from './kpi-definitions';
import { keyOf, kpiResult, type SegmentLayout } from './segment-layout';

/** Per dense segment (index `count` = all) sums of the survey answers. */
export interface SurveyFigures {
  csatResponses: Float64Array;
  csatSum: Float64Array;
  csatSumOfSquares: Float64Array;
  csatSatisfied: Float64Array;
  npsResponses: Float64Array;
  promoters: Float64Array;
  detractors: Float64Array;
  /** Responses whose customer id is not a customer of the run, and answers outside the scale. */
  unmatchedResponses: number;
  invalidCsat: number;
  invalidNps: number;
  hasCsat: boolean;
  hasNps: boolean;
}

type Availability = { figures: SurveyFigures } | { missing: string };

/** Text of a customer id cell: a categorical level, or a number printed as an integer id. */
function idReader(table: FeatureFrame): ((r: number) => string | null) | null {
  const column = table.columns[SURVEY_TABLE.customerId];
  if (!column) return null;
  if (column.kind === 'categorical') return (r) => (column.codes[r] < 0 ? null : column.levels[column.codes[r]]);
  return (r) => (Number.isFinite(column.values[r]) ? String(column.values[r]) : null);
}

/** Sums of the csat (1–5) and nps (0–10) answers of the survey table by the segment of the responding customer. */
export function surveyFigures(
  frame: FeatureFrame,
  tables: Readonly<Record<string, FeatureFrame>> | undefined,
  layout: SegmentLayout,
): Availability {
  const table = tables?.[SURVEY_TABLE.name];
  if (!table) return { missing: `needs the input table '${SURVEY_TABLE.name}' (customer_id, csat, nps)` };
  const idOf = idReader(table);
  if (!idOf) return { missing: `needs a column '${SURVEY_TABLE.customerId}' in table '${SURVEY_TABLE.name}'` };
  const csat = table.columns[SURVEY_TABLE.csat];
  const nps = table.columns[SURVEY_TABLE.nps];
  const rowOfId = new Map(frame.ids.map((id, row) => [id, row]));
  const size = layout.count + 1;
  const f: SurveyFigures = {
    csatResponses: new Float64Array(size),
    csatSum: new Float64Array(size),
    csatSumOfSquares: new Float64Array(size),
    csatSatisfied: new Float64Array(size),
    npsResponses: new Float64Array(size),
    promoters: new Float64Array(size),
    detractors: new Float64Array(size),
    unmatchedResponses: 0,
    invalidCsat: 0,
    invalidNps: 0,
    hasCsat: csat?.kind === 'numeric',
    hasNps: nps?.kind === 'numeric',
  };
  const all = layout.count;
  for (let r = 0; r < table.rowCount; r++) {
    const id = idOf(r);
    const row = id === null ? undefined : rowOfId.get(id);
    if (row === undefined) {
      f.unmatchedResponses++;
      continue;
    }
    const s = layout.segmentOfRow[row];
    if (csat?.kind === 'numeric' && !Number.isNaN(csat.values[r])) {
      const v = csat.values[r];
      if (v >= 1 && v <= 5) {
        for (const g of [s, all]) {
          f.csatResponses[g]++;
          f.csatSum[g] += v;
          f.csatSumOfSquares[g] += v * v;
          if (v >= 4) f.csatSatisfied[g]++;
        }
      } else f.invalidCsat++;
    }
    if (nps?.kind === 'numeric' && !Number.isNaN(nps.values[r])) {
      const v = nps.values[r];
      if (Number.isInteger(v) && v >= 0 && v <= 10) {
        for (const g of [s, all]) {
          f.npsResponses[g]++;
          if (v >= 9) f.promoters[g]++;
          else if (v <= 6) f.detractors[g]++;
        }
      } else f.invalidNps++;
    }
  }
  return { figures: f };
}

/** `csat_mean`, `csat_satisfied_share` and `nps` per segment and overall. */
export function satisfactionResults(
  frame: FeatureFrame,
  tables: Readonly<Record<string, FeatureFrame>> | undefined,
  layout: SegmentLayout,
  confidenceLevel: number,
): KpiResult[] {
  const availability = surveyFigures(frame, tables, layout);
  const results: KpiResult[] = [];
  for (let s = 0; s <= layout.count; s++) {
    const key = keyOf(layout, s);
    if ('missing' in availability) {
      for (const kpi of ['csat_mean', 'csat_satisfied_share', 'nps'])
        results.push(kpiResult(key, kpi, null, 0, { note: `not available: ${availability.missing}` }));
      continue;
    }
    const f = availability.figures;
    const skipped =
      f.unmatchedResponses > 0
        ? ` ${f.unmatchedResponses} response(s) from customer ids outside this run are left out.`
        : '';
    if (!f.hasCsat) {
      const note = `not available: needs a numeric column '${SURVEY_TABLE.csat}' (1–5) in table '${SURVEY_TABLE.name}'`;
      results.push(
        kpiResult(key, 'csat_mean', null, 0, { note }),
        kpiResult(key, 'csat_satisfied_share', null, 0, { note }),
      );
    } else {
      const n = f.csatResponses[s];
      const invalid = f.invalidCsat > 0 ? ` ${f.invalidCsat} csat answer(s) outside 1–5 are left out.` : '';
      if (n === 0) {
        const note = `not computable: no csat response from this segment's customers.${invalid}${skipped}`;
        results.push(
          kpiResult(key, 'csat_mean', null, 0, { note }),
          kpiResult(key, 'csat_satisfied_share', null, 0, { note }),
        );
      } else {
        const note = `${n} csat response(s).${invalid}${skipped}`;
        results.push(
          kpiResult(key, 'csat_mean', f.csatSum[s] / n, n, {
            note,
            interval: n >= 2 ? normalMeanInterval(f.csatSum[s], f.csatSumOfSquares[s], n, confidenceLevel) : null,
          }),
          kpiResult(key, 'csat_satisfied_share', f.csatSatisfied[s] / n, n, {
            note,
            interval: wilsonInterval(f.csatSatisfied[s], n, confidenceLevel),
          }),
        );
      }
    }
    if (!f.hasNps) {
      results.push(
        kpiResult(key, 'nps', null, 0, {
          note: `not available: needs a numeric column '${SURVEY_TABLE.nps}' (0–10) in table '${SURVEY_TABLE.name}'`,
        }),
      );
    } else {
      const n = f.npsResponses[s];
      const invalid = f.invalidNps > 0 ? ` ${f.invalidNps} nps answer(s) outside the integers 0–10 are left out.` : '';
      if (n === 0)
        results.push(
          kpiResult(key, 'nps', null, 0, {
            note: `not computable: no nps response from this segment's customers.${invalid}${skipped}`,
          }),
        );
      else {
        const value = (100 * (f.promoters[s] - f.detractors[s])) / n;
        results.push(
          kpiResult(key, 'nps', value, n, {
            note: `${n} nps response(s): ${f.promoters[s]} promoters (9–10), ${f.detractors[s]} detractors (0–6).${invalid}${skipped}`,
            interval: netPromoterInterval(f.promoters[s], f.detractors[s], n, confidenceLevel),
          }),
        );
      }
    }
  }
  return results;
}
