import { alertView, type Workbench } from '@workbench/services';
import type { Output } from '../output';
import { renderTable } from '../table';

/** `workbench alerts add <segmentation> --rule <rule> [--webhook <url>]`: a KPI alert, checked after each run. */
export async function addAlert(
  workbench: Workbench,
  out: Output,
  options: { segmentation: string; rule: string; webhook?: string; json?: boolean },
): Promise<void> {
  const alert = await workbench.alerts.create(
    options.segmentation,
    { rule: options.rule, webhookUrl: options.webhook },
    'cli',
  );
  const view = alertView(alert, []);
  if (options.json) out.line(JSON.stringify(view, null, 2));
  else
    out.line(
      `alert ${view.id} on ${view.segmentation.name}: fires for a run when '${view.rule}' holds for a segment${view.webhookUrl ? `; calls ${view.webhookUrl}` : ''}`,
    );
}

/** `workbench alerts list [--json]`: every alert with its firings, as `GET /alerts` answers a scientist. */
export async function listAlerts(workbench: Workbench, out: Output, options: { json?: boolean }): Promise<void> {
  const firings = await workbench.alerts.firings();
  const views = (await workbench.alerts.list()).map((a) => alertView(a, firings));
  if (options.json) {
    out.line(JSON.stringify(views, null, 2));
    return;
  }
  const table = renderTable(
    [
      { header: 'id' },
      { header: 'segmentation' },
      { header: 'rule' },
      { header: 'firings', align: 'right' },
      { header: 'last fired' },
    ],
    views.map((v) => {
      const last = v.firings[0];
      return [
        v.id,
        v.segmentation.name,
        v.rule,
        String(v.firings.length),
        last
          ? `${last.scoring ? `scoring of ${last.scoring.dataset} v${last.scoring.datasetVersion} with ` : ''}v${last.run.version}: ${last.segments.map((s) => s.label).join(', ')}${last.webhook ? ` (webhook ${last.webhook.status})` : ''}`
          : '—',
      ];
    }),
  );
  for (const line of table) out.line(line);
}

/** `workbench alerts remove <id>`: deletes an alert as `DELETE /alerts/:id` does (kept with who deleted it and when). */
export async function removeAlert(workbench: Workbench, out: Output, options: { id: string }): Promise<void> {
  await workbench.alerts.delete(options.id, 'cli');
  out.line(`alert ${options.id} deleted: it no longer fires; its past firings stay in the events`);
}
