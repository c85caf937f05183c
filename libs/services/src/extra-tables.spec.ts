import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defineKpiEvaluator, type KpiEvaluator } from '@workbench/plugin-sdk';
import { fixturePath } from '@workbench/plugin-sdk/testing';
import { loadConfig } from './config';
import { splitAtMedian } from './testing';
import { createWorkbench, type Workbench } from './workbench';

const elog = fixturePath('cdnowElog.csv');
const quiet = { log: () => undefined, warn: () => undefined, error: () => undefined };

class NoParams {}
/** Counts the rows of each extra table the host hands to evaluators: what a KPI plugin sees. */
const tableRows: KpiEvaluator<NoParams> = defineKpiEvaluator<NoParams>({
  contractVersion: 1,
  manifest: {
    name: 'test-table-rows',
    version: '1.0.0',
    kind: 'kpi',
    sdk: '^1.0.0',
    description: 'rows of the survey table (test plugin)',
    params: NoParams,
    requires: [],
    kpis: [
      {
        key: 'survey_rows',
        title: 'Survey rows',
        unit: 'rows',
        higherIsBetter: true,
        definition: 'rows of the survey table',
      },
    ],
  },
  async evaluate({ tables }) {
    const survey = tables?.survey;
    return [
      survey
        ? { segmentKey: null, kpi: 'survey_rows', value: survey.rowCount, unit: 'rows', n: survey.rowCount }
        : {
            segmentKey: null,
            kpi: 'survey_rows',
            value: null,
            unit: 'rows',
            n: 0,
            note: 'not available: needs the survey table',
          },
    ];
  },
});

describe('extra tables of a dataset', () => {
  let wb: Workbench;
  beforeAll(async () => {
    wb = await createWorkbench(loadConfig({}, { home: mkdtempSync(join(tmpdir(), 'wb-tables-')), jobBackoffMs: 5 }), {
      plugins: [splitAtMedian, tableRows],
      logger: quiet,
    });
    await wb.startWorker();
    await wb.datasets.ingestTransactions({
      dataset: 'cdnow',
      source: elog,
      mapping: { customerId: 'masterid', timestamp: 'date', amount: 'sales' },
    });
    await wb.segmentations.create({
      name: 's',
      plugin: 'test-split-median',
      params: { feature: 'monetary' },
      dataset: 'cdnow',
      kpis: [{ plugin: 'test-table-rows' }],
    });
  });
  afterAll(async () => {
    await wb.close();
  });

  it('reach the KPI evaluators of the next run once ingested, and never become training data', async () => {
    const before = await wb.runs.waitFor((await wb.runs.submit('s')).id);
    expect((await wb.runs.kpis(before.id)).find((k) => k.kpi === 'survey_rows')?.note).toBe(
      'not available: needs the survey table',
    );

    const survey = 'customer_id,csat,nps\n4,5,10\n18,2,3\n21,4,8\n';
    const stored = await wb.datasets.ingestTable({ dataset: 'cdnow', table: 'survey', text: survey });
    expect([stored.version.kind, stored.version.tableName, stored.version.rowCount]).toEqual(['table', 'survey', 3]);
    const after = await wb.runs.waitFor((await wb.runs.submit('s')).id);
    expect((await wb.runs.kpis(after.id)).find((k) => k.kpi === 'survey_rows')?.value).toBe(3);
    // The run trained on the transactions version, not on the table.
    expect(after.datasetVersion.version).toBe(1);
    await expect(wb.runs.submit('s', { datasetVersion: stored.version.version })).rejects.toThrow(
      "is the extra table 'survey'",
    );
  });

  it('refuses a table name a KPI evaluator could not refer to', async () => {
    await expect(
      wb.datasets.ingestTable({ dataset: 'cdnow', table: 'Survey 2024!', text: 'a,b\n1,2\n' }),
    ).rejects.toThrow("table name 'Survey 2024!' must be 1-64 lowercase letters");
  });

  it('keeps a real file byte for byte: the same content is the same version', async () => {
    const text = readFileSync(elog, 'utf8').split('\n').slice(0, 50).join('\n');
    const a = await wb.datasets.ingestTable({ dataset: 'cdnow', table: 'sample', text });
    const b = await wb.datasets.ingestTable({ dataset: 'cdnow', table: 'sample', text });
    expect([a.created, b.created, b.version.id]).toEqual([true, false, a.version.id]);
  });
});
