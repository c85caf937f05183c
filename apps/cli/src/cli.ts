import { Command, InvalidArgumentError, Option } from 'commander';
import { resolve } from 'node:path';
import { BUILTIN_PLUGINS_MODULE, builtinPlugins } from '@workbench/builtin-plugins';
import { ROLES, type Role } from '@workbench/persistence';
import { createWorkbench, loadConfig, type Workbench } from '@workbench/services';
import { cancelRun } from './commands/cancel';
import { compareRuns } from './commands/compare';
import { runDemo } from './commands/demo';
import { localUiKey, serveUi } from './commands/serve-ui';
import { exportAssignments } from './commands/export';
import { collectArtifacts } from './commands/gc';
import { ingestFile } from './commands/ingest';
import { showKpis, showKpiSeries } from './commands/kpis';
import { addPlugin, listPlugins } from './commands/plugins';
import { createKey } from './commands/keys';
import { listDatasets, listFeatures, listSegmentations } from './commands/lists';
import { promoteRun } from './commands/promote';
import {
  addPolicy,
  listEvents,
  listPolicies,
  listRetrains,
  removePolicy,
  retrainNow,
  reviewRetrain,
  setPolicyEnabled,
} from './commands/retrain';
import { runSegmentation } from './commands/run';
import { parseDatasetRef, scoreDataset } from './commands/score';
import { addAlert, listAlerts, removeAlert } from './commands/alerts';
import { addAudienceSubscription, listAudienceSubscriptions, removeAudienceSubscription } from './commands/audiences';
import { listRuns } from './commands/runs';
import { showSegments } from './commands/segments';
import type { Output } from './output';

export interface CliEnvironment {
  env: Record<string, string | undefined>;
  out: Output;
}

function integer(min: number, max: number) {
  return (value: string): number => {
    if (!/^\d+$/.test(value) || Number(value) < min || Number(value) > max)
      throw new InvalidArgumentError(`expected an integer from ${min} to ${max}`);
    return Number(value);
  };
}

/**
 * Opens the workbench the environment describes (embedded SQLite + in-process queue by default),
 * runs `task` and always closes it. `worker` makes this process process jobs too.
 */
async function withWorkbench(
  cli: CliEnvironment,
  worker: boolean | 'embedded',
  task: (wb: Workbench) => Promise<unknown>,
): Promise<void> {
  const logger = {
    log: (m: string) => cli.out.note(m),
    warn: (m: string) => cli.out.note(`warning: ${m}`),
    error: (m: string) => cli.out.note(`error: ${m}`),
  };
  const workbench = await createWorkbench(loadConfig(cli.env), {
    plugins: builtinPlugins,
    pluginsModule: BUILTIN_PLUGINS_MODULE,
    logger,
  });
  try {
    // 'embedded': work only when there is no server to do it (the in-process queue), e.g. the retrains an ingest triggers.
    if (worker === true || (worker === 'embedded' && workbench.queue.kind === 'inline')) await workbench.startWorker();
    await task(workbench);
  } finally {
    await workbench.close();
  }
}

/** The `workbench` command line. Actions throw on failure; the caller prints the message. */
export function buildProgram(cli: CliEnvironment): Command {
  const program = new Command('workbench')
    .description('Segment Workbench: versioned customer segmentations with KPIs per segment')
    .configureOutput({ writeErr: (text) => process.stderr.write(text) });

  program
    .command('demo')
    .description(
      'ingest the shipped Online Retail sample, train k-means on recency/frequency/monetary and print the segments (embedded; each call makes a new run version)',
    )
    .option('--k <n>', 'fixed number of segments (default: best silhouette over 2..6)', integer(2, 50))
    .option('--seed <n>', 'seed of the run (default: random, and printed)', integer(0, 2 ** 31 - 1))
    .option('--json', 'print one JSON document {run, segments, kpis} on stdout')
    .option('--serve', 'then serve the web app on 127.0.0.1 and print a link that logs you in')
    .option('--port <n>', 'port of --serve', integer(1, 65535), 3000)
    .action(async (options: { k?: number; seed?: number; json?: boolean; serve?: boolean; port: number }) => {
      let key = '';
      await withWorkbench(cli, true, async (wb) => {
        await runDemo(wb, cli.out, options);
        if (options.serve) key = await localUiKey(wb, resolve(loadConfig(cli.env).home));
      });
      if (options.serve)
        await serveUi(cli.out, {
          home: resolve(loadConfig(cli.env).home),
          port: options.port,
          key,
          env: cli.env,
          isTty: Boolean(process.stdout.isTTY),
        });
    });

  program
    .command('keys')
    .description('manage API keys of the server')
    .command('create')
    .description('create an API key and print its secret (shown once); this is how the first admin key is made')
    .addOption(new Option('--role <role>', 'what the key may do').choices(ROLES).makeOptionMandatory())
    .requiredOption('--name <name>', 'who or what uses the key')
    .option('--json', 'print the key as JSON')
    .action((options: { role: Role; name: string; json?: boolean }) =>
      withWorkbench(cli, false, (wb) => createKey(wb, cli.out, options)),
    );

  program
    .command('datasets')
    .description('list datasets with their versions')
    .option('--json', 'print JSON (as GET /datasets)')
    .action((options: { json?: boolean }) => withWorkbench(cli, false, (wb) => listDatasets(wb, cli.out, options)));

  program
    .command('features')
    .description(
      "the features a run on a dataset trains on: definitions, units and ranges (name them in a plugin's params)",
    )
    .argument('<dataset>', 'dataset name or id')
    .option('--version <n>', 'dataset version (default: the one a run trains on)', integer(1, 2 ** 31 - 1))
    .option('--json', 'print JSON (as GET /datasets/:id/features)')
    .action((dataset: string, options: { version?: number; json?: boolean }) =>
      withWorkbench(cli, false, (wb) => listFeatures(wb, cli.out, { dataset, ...options })),
    );

  program
    .command('segmentations')
    .description('list segmentations with their plugin, dataset, KPI evaluators and latest run')
    .option('--json', 'print JSON (as GET /segmentations)')
    .action((options: { json?: boolean }) =>
      withWorkbench(cli, false, (wb) => listSegmentations(wb, cli.out, options)),
    );

  program
    .command('runs')
    .description("list a segmentation's runs")
    .argument('<segmentation>', 'segmentation name or id')
    .option('--json', 'print JSON')
    .action((segmentation: string, options: { json?: boolean }) =>
      withWorkbench(cli, false, (wb) => listRuns(wb, cli.out, { segmentation, ...options })),
    );

  program
    .command('segments')
    .description('show the segments of a run')
    .argument('<run>', 'run id, <segmentation>@v<n> or <segmentation>@latest')
    .option('--json', 'print one JSON document {run, segments, kpis}')
    .action((run: string, options: { json?: boolean }) =>
      withWorkbench(cli, false, (wb) => showSegments(wb, cli.out, { run, ...options })),
    );

  program
    .command('kpis')
    .description('KPI values of a run per segment and overall, with units, intervals, windows and notes')
    .argument('<run>', 'run id, <segmentation>@v<n>, @latest or @<alias>')
    .option('--json', 'print JSON')
    .option('--csv', 'print CSV')
    .option(
      '--series',
      "by period: revenue, orders, active customers, AOV and the retention of each period's cohort, per segment",
    )
    .addOption(
      new Option('--period <period>', 'with --series: calendar months or ISO weeks (UTC)')
        .choices(['month', 'week'])
        .default('month'),
    )
    .action((run: string, options: { json?: boolean; csv?: boolean; series?: boolean; period: 'month' | 'week' }) =>
      withWorkbench(cli, false, (wb) =>
        options.series ? showKpiSeries(wb, cli.out, { run, ...options }) : showKpis(wb, cli.out, { run, ...options }),
      ),
    );

  program
    .command('compare')
    .description(
      'compare two runs: agreement (ARI, NMI), migration matrix, matched segments and KPI changes with 95% intervals',
    )
    .argument('<runA>', 'run id, <segmentation>@v<n>, @latest or @<alias>')
    .argument('<runB>', 'the run to compare it with')
    .option('--json', 'print one JSON document')
    .action((runA: string, runB: string, options: { json?: boolean }) =>
      withWorkbench(cli, true, (wb) => compareRuns(wb, cli.out, { runA, runB, ...options })),
    );

  program
    .command('promote')
    .description("point an alias of the run's segmentation (e.g. champion) at the run; the move is audited")
    .argument('<run>', 'run id or <segmentation>@v<n>')
    .requiredOption('--alias <name>', 'alias to move, e.g. champion or candidate')
    .option('--json', 'print JSON')
    .action((run: string, options: { alias: string; json?: boolean }) =>
      withWorkbench(cli, false, (wb) => promoteRun(wb, cli.out, { run, ...options })),
    );

  program
    .command('cancel')
    .description('cancel a queued or running run: it ends cancelled and stores nothing')
    .argument('<run>', 'run id, <segmentation>@v<n> or @latest')
    .option('--json', 'print the run as JSON')
    .action((run: string, options: { json?: boolean }) =>
      withWorkbench(cli, false, (wb) => cancelRun(wb, cli.out, { run, ...options })),
    );

  program
    .command('export')
    .description("print a run's customer → segment assignments, for activation in other tools")
    .argument('<run>', 'run id, <segmentation>@v<n>, @latest or @<alias>')
    .addOption(new Option('--format <format>', 'output format').choices(['csv', 'json']).default('csv'))
    .action((run: string, options: { format: 'csv' | 'json' }) =>
      withWorkbench(cli, false, (wb) => exportAssignments(wb, cli.out, { run, ...options })),
    );

  program
    .command('score')
    .description(
      "score a dataset version with a finished run's model, no retraining: every customer's segment and score, or why the model refused it",
    )
    .argument('<run>', 'run id, <segmentation>@v<n>, @latest or @<alias> (e.g. shop@champion)')
    .requiredOption(
      '--dataset <dataset[@version]>',
      'dataset to score, e.g. retail or retail@3 (default version: the one a run would train on)',
      parseDatasetRef,
    )
    .addOption(new Option('--format <format>', 'output format').choices(['csv', 'json']).default('csv'))
    .action((run: string, options: { dataset: { dataset: string; version?: number }; format: 'csv' | 'json' }) =>
      withWorkbench(cli, true, (wb) => scoreDataset(wb, cli.out, { run, ...options })),
    );

  program
    .command('ingest')
    .description(
      'ingest a customers or transactions CSV as a dataset version (the same content again returns the existing version)',
    )
    .argument('<file>', 'CSV file')
    .requiredOption('--dataset <name>', 'dataset to add the version to (created on first upload)')
    .addOption(
      new Option('--kind <kind>', 'one row per customer, one row per transaction line, or an extra table for the KPIs')
        .choices(['customers', 'transactions', 'table'])
        .default('customers'),
    )
    .option(
      '--table <name>',
      'kind table: its name, e.g. marketing_spend (channel, period, spend) or survey (customer_id, csat, nps)',
    )
    .option(
      '--map <pairs>',
      'column mapping, e.g. customerId=CustomerID,timestamp=InvoiceDate,quantity=Quantity,unitPrice=UnitPrice,orderId=InvoiceNo (default: auto-detected)',
    )
    .option(
      '--revenue-column <column>',
      'customers: numeric column holding revenue per customer (default: auto-detected)',
    )
    .addOption(
      new Option('--policy <policy>', 'reject the file on any bad row, or skip bad rows and report them')
        .choices(['reject', 'skip'])
        .default('reject'),
    )
    .addOption(
      new Option('--returns <how>', 'transactions: net returns against sales, or exclude them').choices([
        'net',
        'exclude',
      ]),
    )
    .addOption(
      new Option('--date-format <format>', 'transactions: date format (default: detected)').choices([
        'YYYY-MM-DD',
        'YYYYMMDD',
        'DD/MM/YYYY',
        'MM/DD/YYYY',
      ]),
    )
    .option('--delimiter <char>', "field delimiter: one character, 'tab' or 'whitespace' (default ,)")
    .addOption(new Option('--decimal <char>', 'decimal separator').choices(['.', ',']))
    .addOption(
      new Option(
        '--thousands <char>',
        "thousands separator of numbers, e.g. ',' for 1,234.50 (default: none; such a number is reported)",
      ).choices([',', '.', ' ', "'"]),
    )
    .option(
      '--currency',
      'strip a currency symbol ($, £, €) before or after numbers (default: such a number is reported)',
    )
    .addOption(
      new Option(
        '--encoding <name>',
        'text encoding of the file (default utf-8, checked: a bad byte is reported with its line)',
      ).choices(['utf-8', 'latin1', 'windows-1252']),
    )
    .option('--no-header', 'the file has no header line: name its columns with --columns')
    .option(
      '--columns <names>',
      'column names a,b,c in file order: required with --no-header; with a header they replace its names (e.g. to tell duplicates apart)',
    )
    .addOption(
      new Option(
        '--zero-amounts <how>',
        'transactions: keep lines worth 0 (free samples, adjustments) as orders, or exclude them (counted in the report)',
      ).choices(['keep', 'exclude']),
    )
    .option('--problems <file>', 'write every rejected row (line, field, message) to this CSV file')
    .option('--json', 'print JSON')
    .action((file: string, options: Omit<Parameters<typeof ingestFile>[2], 'file'>) =>
      withWorkbench(cli, 'embedded', (wb) => ingestFile(wb, cli.out, { file, ...options })),
    );

  program
    .command('run')
    .description(
      'queue the next version of a segmentation and print its segments (creates it with --plugin and --dataset)',
    )
    .argument('<segmentation>', 'segmentation name')
    .option('--plugin <name>', 'plugin of a new segmentation (see `workbench plugins list`)')
    .option('--dataset <name>', 'dataset of a new segmentation')
    .option('--params <json>', 'params as a JSON object (for an existing segmentation: overrides for this version)')
    .option('--seed <n>', 'seed of the run (default: random, and recorded)', integer(0, 2 ** 31 - 1))
    .option(
      '--label <column>',
      "the column a predictor learns (predictor-churn's label param, default 'Churn'); names match ignoring case",
    )
    .option(
      '--churn-horizon <days>',
      "new segmentation: label 'churned' = no purchase in the data's last N days (features as of N days before)",
      integer(1, 3650),
    )
    .option(
      '--kpis <evaluators>',
      'new segmentation: KPI evaluators, e.g. kpi-standard,kpi-clv, or a JSON array [{"plugin":"kpi-standard","params":{"bootstrapResamples":200}}], or none (default: kpi-standard,kpi-clv on a transactions dataset)',
    )
    .option('--json', 'print one JSON document {run, segments, kpis}')
    .action((segmentation: string, options: Omit<Parameters<typeof runSegmentation>[2], 'segmentation'>) =>
      withWorkbench(cli, true, (wb) => runSegmentation(wb, cli.out, { segmentation, ...options })),
    );

  const plugins = program.command('plugins').description('plugins this workbench can run');
  plugins
    .command('list')
    .description('list registered plugins with their params')
    .option('--json', 'print JSON (with the params JSON schemas)')
    .action((options: { json?: boolean }) => withWorkbench(cli, false, (wb) => listPlugins(wb, cli.out, options)));
  plugins
    .command('add')
    .description('register an external plugin from a folder or an installed npm package')
    .argument('<source>', 'plugin folder or package name')
    .option('--json', 'print JSON')
    .action((source: string, options: { json?: boolean }) =>
      withWorkbench(cli, false, (wb) => addPlugin(wb, cli.out, { source, ...options })),
    );

  const policies = program
    .command('policies')
    .description('retrain policies: when a segmentation retrains itself, and when the result is promoted');
  policies
    .command('add')
    .description('add a retrain policy to a segmentation')
    .argument('<segmentation>', 'segmentation name')
    .addOption(
      new Option('--trigger <trigger>', 'retrain on each new dataset version, or on a cron schedule')
        .choices(['dataset', 'cron'])
        .default('dataset'),
    )
    .option('--cron <expression>', "five-field cron expression, UTC, e.g. '0 3 * * 1'")
    .requiredOption(
      '--rule <rule>',
      "promotion rule, e.g. 'ari >= 0.8 and silhouette_drop <= 0.02'; otherwise the candidate is flagged",
    )
    .option('--webhook <url>', 'URL called with each outcome')
    .option('--json', 'print JSON')
    .action((segmentation: string, options: Omit<Parameters<typeof addPolicy>[2], 'segmentation'>) =>
      withWorkbench(cli, false, (wb) => addPolicy(wb, cli.out, { segmentation, ...options })),
    );
  policies
    .command('list')
    .description('list retrain policies')
    .argument('[segmentation]', 'only those of this segmentation')
    .option('--json', 'print JSON')
    .action((segmentation: string | undefined, options: { json?: boolean }) =>
      withWorkbench(cli, false, (wb) => listPolicies(wb, cli.out, { segmentation, ...options })),
    );

  for (const [command, enabled] of [
    ['disable', false],
    ['enable', true],
  ] as const)
    policies
      .command(command)
      .description(
        enabled
          ? 'turn a disabled policy on again'
          : 'turn a policy off: it no longer triggers; it and its history stay',
      )
      .argument('<id>', 'policy id (policies list)')
      .action((id: string) => withWorkbench(cli, false, (wb) => setPolicyEnabled(wb, cli.out, { id, enabled })));
  policies
    .command('remove')
    .description('delete a policy: it never triggers again and is no longer listed; its retrains stay')
    .argument('<id>', 'policy id (policies list)')
    .action((id: string) => withWorkbench(cli, false, (wb) => removePolicy(wb, cli.out, { id })));

  const retrains = program
    .command('retrains')
    .description('retrains with their outcome; a flagged candidate waits for a person to promote or reject it');
  retrains
    .command('list', { isDefault: true })
    .description('list retrains, oldest first')
    .argument('[segmentation]', 'only those of this segmentation')
    .option('--json', 'print JSON (as GET /retrains answers)')
    .action((segmentation: string | undefined, options: { json?: boolean }) =>
      withWorkbench(cli, false, (wb) => listRetrains(wb, cli.out, { segmentation, ...options })),
    );
  for (const [command, decision] of [
    ['promote', 'promoted'],
    ['reject', 'rejected'],
  ] as const)
    retrains
      .command(command)
      .description(
        decision === 'promoted'
          ? "promote a flagged candidate: the segmentation's champion alias moves to its run (audited as cli)"
          : 'reject a flagged candidate: recorded, the champion stays',
      )
      .argument('<id>', 'retrain id (retrains list)')
      .option('--json', 'print JSON')
      .action((id: string, options: { json?: boolean }) =>
        withWorkbench(cli, false, (wb) => reviewRetrain(wb, cli.out, { id, decision, ...options })),
      );

  const alerts = program
    .command('alerts')
    .description(
      "KPI alerts: rules over each segment's KPI values and their changes, checked after every run and scoring of a segmentation",
    );
  alerts
    .command('add')
    .description(
      'add a KPI alert to a segmentation; a run or scoring with a segment for which the rule holds fires it once (an event, and the webhook)',
    )
    .argument('<segmentation>', 'segmentation name')
    .requiredOption(
      '--rule <rule>',
      "rule over a segment's KPI keys and their <kpi>_change (relative change against the previous version's matched segment), e.g. 'churn_rate > 0.3' or 'revenue_change < -0.2'",
    )
    .option('--webhook <url>', 'URL called with each firing, retried with backoff')
    .option('--json', 'print JSON')
    .action((segmentation: string, options: { rule: string; webhook?: string; json?: boolean }) =>
      withWorkbench(cli, false, (wb) => addAlert(wb, cli.out, { segmentation, ...options })),
    );
  alerts
    .command('list')
    .description('list KPI alerts with how often and when they fired')
    .option('--json', 'print JSON (as GET /alerts answers a scientist)')
    .action((options: { json?: boolean }) => withWorkbench(cli, false, (wb) => listAlerts(wb, cli.out, options)));
  alerts
    .command('remove')
    .description('delete a KPI alert: it no longer fires or is listed; its past firings stay in the events')
    .argument('<id>', 'alert id (alerts list --json)')
    .action((id: string) => withWorkbench(cli, false, (wb) => removeAlert(wb, cli.out, { id })));

  const audiences = program
    .command('audiences')
    .description("audience changes pushed by webhook: each new version's entered and left customers per segment");
  audiences
    .command('add')
    .description(
      "subscribe a webhook: after each successful version, every segment's customers who entered and left it since the previous version's matched segment (Hungarian matching)",
    )
    .argument('<segmentation>', 'segmentation name')
    .requiredOption(
      '--webhook <url>',
      'URL posted { segment, previous, entered, left, counts, part, parts }, retried with backoff',
    )
    .option('--chunk <n>', 'at most this many ids per call (default 1000)', integer(1, 10_000))
    .option('--json', 'print JSON')
    .action((segmentation: string, options: { webhook: string; chunk?: number; json?: boolean }) =>
      withWorkbench(cli, false, (wb) => addAudienceSubscription(wb, cli.out, { segmentation, ...options })),
    );
  audiences
    .command('list')
    .description('list audience subscriptions')
    .option('--json', 'print JSON (as GET /audiences answers a scientist)')
    .action((options: { json?: boolean }) =>
      withWorkbench(cli, false, (wb) => listAudienceSubscriptions(wb, cli.out, options)),
    );
  audiences
    .command('remove')
    .description(
      'delete an audience subscription: its webhook gets no more changes; its past changes stay in the events',
    )
    .argument('<id>', 'subscription id (audiences list)')
    .action((id: string) => withWorkbench(cli, false, (wb) => removeAudienceSubscription(wb, cli.out, { id })));

  program
    .command('retrain')
    .description('retrain a segmentation now under its policies, compare with the champion and promote or flag')
    .argument('<segmentation>', 'segmentation name')
    .option('--json', 'print JSON')
    .action((segmentation: string, options: { json?: boolean }) =>
      withWorkbench(cli, true, (wb) => retrainNow(wb, cli.out, { segmentation, ...options })),
    );

  program
    .command('gc')
    .description(
      "remove artifact files no row references (a failed or interrupted run's model and assignments) and what a process killed mid-write left written aside, keeping those stored within the grace period",
    )
    .option(
      '--grace-hours <hours>',
      'keep unreferenced artifacts stored within this many hours: a run or ingest in flight records its artifacts after storing them',
      integer(1, 87_600),
      24,
    )
    .option('--dry-run', 'count what would be removed, remove nothing')
    .option('--json', 'print JSON')
    .action((options: { graceHours: number; dryRun?: boolean; json?: boolean }) =>
      withWorkbench(cli, false, (wb) => collectArtifacts(wb, cli.out, options)),
    );

  program
    .command('events')
    .description('retrain outcomes (promoted, flagged, failed), newest first')
    .option('--json', 'print JSON')
    .action((options: { json?: boolean }) => withWorkbench(cli, false, (wb) => listEvents(wb, cli.out, options)));

  return program;
}
