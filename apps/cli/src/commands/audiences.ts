import { audienceSubscriptionView, type Workbench } from '@workbench/services';
import type { Output } from '../output';
import { renderTable } from '../table';

/** `workbench audiences add <segmentation> --webhook <url> [--chunk n]`: pushes audience changes after each version. */
export async function addAudienceSubscription(
  workbench: Workbench,
  out: Output,
  options: { segmentation: string; webhook: string; chunk?: number; json?: boolean },
): Promise<void> {
  const view = audienceSubscriptionView(
    await workbench.audiences.subscribe(
      options.segmentation,
      { webhookUrl: options.webhook, chunkSize: options.chunk },
      'cli',
    ),
  );
  if (options.json) out.line(JSON.stringify(view, null, 2));
  else
    out.line(
      `audience subscription ${view.id} on ${view.segmentation.name}: each new version posts every segment's entered and left customers to ${view.webhookUrl}, ${view.chunkSize} ids a call`,
    );
}

/** `workbench audiences list [--json]`: every subscription, as `GET /audiences` answers a scientist. */
export async function listAudienceSubscriptions(
  workbench: Workbench,
  out: Output,
  options: { json?: boolean },
): Promise<void> {
  const views = (await workbench.audiences.list()).map((s) => audienceSubscriptionView(s));
  if (options.json) {
    out.line(JSON.stringify(views, null, 2));
    return;
  }
  const table = renderTable(
    [{ header: 'id' }, { header: 'segmentation' }, { header: 'webhook' }, { header: 'ids a call', align: 'right' }],
    views.map((v) => [v.id, v.segmentation.name, v.webhookUrl, String(v.chunkSize)]),
  );
  for (const line of table) out.line(line);
}

/** `workbench audiences remove <id>`: as `DELETE /audiences/:id`. */
export async function removeAudienceSubscription(
  workbench: Workbench,
  out: Output,
  options: { id: string },
): Promise<void> {
  await workbench.audiences.delete(options.id, 'cli');
  out.line(
    `audience subscription ${options.id} deleted: its webhook gets no more changes; its past changes stay in the events`,
  );
}
