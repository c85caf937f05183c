import { FeatureRequirementError, resolveColumnName, type FeatureFrame, type KpiResult } from '@workbench/plugin-sdk';
import { isoBound, monthStart, parseMonth } from './calendar';
import { SPEND_TABLE } from './kpi-definitions';
import type { KpiStandardParams } from './kpi-standard-params';
import { keyOf, kpiResult, type SegmentLayout } from './segment-layout';

/** Spend attributed per dense segment (index `count` = all) and the customers it was spread over. */
export interface CacFigures {
  attributedSpend: Float64Array;
  acquiredCustomers: Float64Array;
  totalSpend: number;
  /** Spend of (channel, month) cells in which no customer of the run was acquired. */
  unattributedSpend: number;
  skippedSpendRows: number;
  firstMonth: number;
  lastMonth: number;
}

type Availability = { figures: CacFigures } | { missing: string };

/** The data's name for a customer column a param gives; CAC can do without it, so its absence is a "not available" note, not an error. */
function customerColumn(frame: FeatureFrame, name: string, param: string): { name: string } | { missing: string } {
  try {
    return { name: resolveColumnName(frame, name, param) };
  } catch (e) {
    if (e instanceof FeatureRequirementError) return { missing: `needs a customer column named by param ${e.message}` };
    throw e;
  }
}

/**
 * CAC attribution: spend S of cell (channel c, month p) is split over the N customers acquired in
 * that cell, so segment s gets S · N_s / N. The denominator of a segment is its customers acquired in
 * any month the spend table covers (blended: channels without spend in a covered month cost 0).
 */
export function cacFigures(
  frame: FeatureFrame,
  tables: Readonly<Record<string, FeatureFrame>> | undefined,
  layout: SegmentLayout,
  params: KpiStandardParams,
): Availability {
  const table = tables?.[SPEND_TABLE.name];
  if (!table) return { missing: `needs the input table '${SPEND_TABLE.name}' (channel, period 'YYYY-MM', spend)` };
  const channelColumn = table.columns[SPEND_TABLE.channel];
  const periodColumn = table.columns[SPEND_TABLE.period];
  const spendColumn = table.columns[SPEND_TABLE.spend];
  if (channelColumn?.kind !== 'categorical')
    return { missing: `needs a categorical column '${SPEND_TABLE.channel}' in table '${SPEND_TABLE.name}'` };
  if (periodColumn?.kind !== 'categorical')
    return { missing: `needs a categorical column '${SPEND_TABLE.period}' ('YYYY-MM') in table '${SPEND_TABLE.name}'` };
  if (spendColumn?.kind !== 'numeric')
    return { missing: `needs a numeric column '${SPEND_TABLE.spend}' in table '${SPEND_TABLE.name}'` };
  const channelName = customerColumn(frame, params.channelFeature, 'channelFeature');
  if ('missing' in channelName) return channelName;
  const signupName = customerColumn(frame, params.signupFeature, 'signupFeature');
  if ('missing' in signupName) return signupName;
  const channel = frame.columns[channelName.name];
  const signup = frame.columns[signupName.name];
  if (channel.kind !== 'categorical')
    return {
      missing: `needs the categorical customer column '${channelName.name}' (param channelFeature), which is numeric`,
    };
  if (signup.kind !== 'categorical')
    return {
      missing: `needs the categorical customer column '${signupName.name}' with 'YYYY-MM' months (param signupFeature), which is numeric`,
    };

  // Cells keyed by customer channel code and month index; spend channels are matched to customer channels by text.
  const customerChannel = new Map(channel.levels.map((level, code) => [level, code]));
  const cellKey = (code: number, month: number) => code * 1_000_000 + month;
  const cellSpend = new Map<number, number>();
  const coveredMonths = new Set<number>();
  let totalSpend = 0;
  let unattributedSpend = 0;
  let skippedSpendRows = 0;
  for (let r = 0; r < table.rowCount; r++) {
    const c = channelColumn.codes[r];
    const p = periodColumn.codes[r];
    const spend = spendColumn.values[r];
    const month = p < 0 ? Number.NaN : parseMonth(periodColumn.levels[p]);
    if (c < 0 || Number.isNaN(month) || !Number.isFinite(spend)) {
      skippedSpendRows++;
      continue;
    }
    totalSpend += spend;
    coveredMonths.add(month);
    const code = customerChannel.get(channelColumn.levels[c]);
    if (code === undefined) unattributedSpend += spend;
    else cellSpend.set(cellKey(code, month), (cellSpend.get(cellKey(code, month)) ?? 0) + spend);
  }
  if (coveredMonths.size === 0)
    return {
      missing: `needs at least one valid row (channel, 'YYYY-MM' period, finite spend) in table '${SPEND_TABLE.name}'`,
    };

  const signupMonthOfLevel = signup.levels.map(parseMonth);
  const rowMonth = new Float64Array(frame.rowCount);
  const cellCustomers = new Map<number, number>();
  for (let row = 0; row < frame.rowCount; row++) {
    const code = signup.codes[row];
    rowMonth[row] = code < 0 ? Number.NaN : signupMonthOfLevel[code];
    if (coveredMonths.has(rowMonth[row]) && channel.codes[row] >= 0) {
      const key = cellKey(channel.codes[row], rowMonth[row]);
      cellCustomers.set(key, (cellCustomers.get(key) ?? 0) + 1);
    }
  }
  for (const [key, spend] of cellSpend) if (!cellCustomers.has(key)) unattributedSpend += spend;

  const size = layout.count + 1;
  const attributedSpend = new Float64Array(size);
  const acquiredCustomers = new Float64Array(size);
  for (let row = 0; row < frame.rowCount; row++) {
    if (!coveredMonths.has(rowMonth[row])) continue;
    const s = layout.segmentOfRow[row];
    acquiredCustomers[s]++;
    acquiredCustomers[layout.count]++;
    if (channel.codes[row] < 0) continue;
    const key = cellKey(channel.codes[row], rowMonth[row]);
    const share = (cellSpend.get(key) ?? 0) / (cellCustomers.get(key) as number);
    attributedSpend[s] += share;
    attributedSpend[layout.count] += share;
  }
  const months = [...coveredMonths];
  return {
    figures: {
      attributedSpend,
      acquiredCustomers,
      totalSpend,
      unattributedSpend,
      skippedSpendRows,
      firstMonth: Math.min(...months),
      lastMonth: Math.max(...months),
    },
  };
}

/** `cac` per segment and overall; null with "not available: needs …" when the table or a column is missing. */
export function cacResults(
  frame: FeatureFrame,
  tables: Readonly<Record<string, FeatureFrame>> | undefined,
  layout: SegmentLayout,
  params: KpiStandardParams,
): KpiResult[] {
  const availability = cacFigures(frame, tables, layout, params);
  const results: KpiResult[] = [];
  for (let s = 0; s <= layout.count; s++) {
    const key = keyOf(layout, s);
    if ('missing' in availability) {
      results.push(kpiResult(key, 'cac', null, 0, { note: `not available: ${availability.missing}` }));
      continue;
    }
    const f = availability.figures;
    const window = { start: isoBound(monthStart(f.firstMonth)), end: isoBound(monthStart(f.lastMonth + 1)) };
    const acquired = f.acquiredCustomers[s];
    const context =
      `Spend ${f.totalSpend.toFixed(2)} over ${f.lastMonth - f.firstMonth + 1} month(s); ${f.unattributedSpend.toFixed(2)} of it fell in (channel, month) cells without an acquired customer of this run and is attributed to no segment` +
      (f.skippedSpendRows > 0
        ? `; ${f.skippedSpendRows} spend row(s) with a missing channel, an invalid period or a non-finite spend were skipped`
        : '') +
      '.';
    if (acquired === 0) {
      results.push(
        kpiResult(key, 'cac', null, 0, {
          window,
          note: `not computable: no customer of this segment signed up in a month the spend table covers. ${context}`,
        }),
      );
      continue;
    }
    results.push(
      kpiResult(key, 'cac', f.attributedSpend[s] / acquired, acquired, {
        window,
        note: `Attributed spend ${f.attributedSpend[s].toFixed(2)} / ${acquired} customers acquired in covered months. ${context}`,
      }),
    );
  }
  return results;
}
