import type { RetrainPolicy } from '@workbench/persistence';
import { retrainPolicyView, retrainRequestView, workbenchEventView, type Workbench } from '@workbench/services';
import type { Output } from '../output';
import { renderTable } from '../table';

/** `workbench policies add <segmentation> --trigger dataset|cron [--cron …] --rule "…" [--webhook URL]` */
export async function addPolicy(
  workbench: Workbench,
  out: Output,
  options: {
    segmentation: string;
    trigger: 'dataset' | 'cron';
    cron?: string;
    rule: string;
    webhook?: string;
    json?: boolean;
  },
): Promise<void> {
  const policy = await workbench.retrain.createPolicy(
    {
      segmentation: options.segmentation,
      trigger: options.trigger,
      cron: options.cron,
      rule: options.rule,
      webhookUrl: options.webhook,
    },
    'cli',
  );
  if (options.json)
    out.line(
      JSON.stringify(
        retrainPolicyView(
          (await workbench.retrain.listPolicies(options.segmentation)).find((p) => p.id === policy.id) as RetrainPolicy,
        ),
      ),
    );
  else
    out.line(
      `policy ${policy.id}: ${options.segmentation} retrains on ${policy.trigger === 'cron' ? `cron '${policy.cron}' (UTC)` : 'each new dataset version'}; promoted when ${policy.rule}`,
    );
}

/** `workbench policies list [segmentation]` */
export async function listPolicies(
  workbench: Workbench,
  out: Output,
  options: { segmentation?: string; json?: boolean },
): Promise<void> {
  const policies = await workbench.retrain.listPolicies(options.segmentation);
  if (options.json) {
    out.line(JSON.stringify(policies.map((p) => retrainPolicyView(p))));
    return;
  }
  for (const line of renderTable(
    [
      { header: 'segmentation' },
      { header: 'trigger' },
      { header: 'state' },
      { header: 'rule' },
      { header: 'webhook' },
      { header: 'id' },
    ],
    policies.map((p) => [
      p.segmentation.name,
      p.trigger === 'cron' ? `cron ${p.cron}` : 'new data',
      p.enabled ? 'enabled' : 'disabled',
      p.rule,
      p.webhookUrl ?? '',
      p.id,
    ]),
  ))
    out.line(line);
}

/** `workbench retrain <segmentation>`: retrains now under each policy (embedded: in this process), and prints the outcome. */
export async function retrainNow(
  workbench: Workbench,
  out: Output,
  options: { segmentation: string; json?: boolean },
): Promise<void> {
  const requests = await workbench.retrain.manual(options.segmentation);
  out.note(`retraining ${options.segmentation} under ${requests.length} polic${requests.length === 1 ? 'y' : 'ies'} …`);
  const done = [];
  for (const r of requests) {
    for (;;) {
      const current = await workbench.retrain.getRequest(r.id);
      if (['promoted', 'flagged', 'failed'].includes(current.status)) {
        done.push(current);
        break;
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
  if (options.json) {
    out.line(JSON.stringify(done.map(retrainRequestView)));
    return;
  }
  for (const r of done) printOutcome(out, r);
}

export function printOutcome(out: Output, r: Awaited<ReturnType<Workbench['retrain']['getRequest']>>): void {
  const outcome = (r.outcome ?? {}) as {
    clauses?: { text: string; value: number | null; passed: boolean }[];
    reason?: string;
  };
  const against = r.champion ? ` against champion v${r.champion.version}` : '';
  out.line(
    `${r.policy.segmentation.name} v${r.run?.version ?? '?'}${against}: ${r.status.toUpperCase()}${r.error ? ` (${r.error})` : ''}${outcome.reason ? ` (${outcome.reason})` : ''}`,
  );
  for (const c of outcome.clauses ?? [])
    out.line(
      `  ${c.passed ? 'pass' : 'FAIL'}  ${c.text}  (was ${c.value === null ? 'not available' : Number(c.value.toFixed(4))})`,
    );
  for (const w of ((r.drift ?? {}) as { warnings?: string[] }).warnings ?? []) out.line(`  drift: ${w}`);
}

/** `workbench events`: the newest outcomes first. */
export async function listEvents(workbench: Workbench, out: Output, options: { json?: boolean }): Promise<void> {
  const events = await workbench.retrain.events();
  if (options.json) {
    out.line(JSON.stringify(events.map(workbenchEventView)));
    return;
  }
  for (const line of renderTable(
    [{ header: 'when' }, { header: 'event' }, { header: 'message' }, { header: 'webhook' }],
    events.map((e) => [e.createdAt.toISOString().replace('T', ' ').slice(0, 19), e.kind, e.message, e.webhookStatus]),
  ))
    out.line(line);
}

/** `workbench retrains [segmentation]`: every retrain with its outcome and review, oldest first. */
export async function listRetrains(
  workbench: Workbench,
  out: Output,
  options: { segmentation?: string; json?: boolean },
): Promise<void> {
  const requests = await workbench.retrain.listRequests(options.segmentation);
  if (options.json) {
    out.line(JSON.stringify(requests.map(retrainRequestView)));
    return;
  }
  for (const line of renderTable(
    [
      { header: 'when' },
      { header: 'segmentation' },
      { header: 'status' },
      { header: 'candidate' },
      { header: 'champion' },
      { header: 'review' },
      { header: 'id' },
    ],
    requests.map((r) => [
      r.createdAt.toISOString().replace('T', ' ').slice(0, 19),
      r.policy.segmentation.name,
      r.status,
      r.run ? `v${r.run.version}` : '',
      r.champion ? `v${r.champion.version}` : '',
      r.reviewDecision ? `${r.reviewDecision} by ${r.reviewedBy}` : r.status === 'flagged' ? 'waiting' : '',
      r.id,
    ]),
  ))
    out.line(line);
}

/**
 * `workbench retrains promote|reject <id>`: a person's decision on a flagged candidate, as the web app's buttons and
 * `POST /retrains/:id/promote|reject` take it (promote moves the champion alias, audited as `cli`).
 */
export async function reviewRetrain(
  workbench: Workbench,
  out: Output,
  options: { id: string; decision: 'promoted' | 'rejected'; json?: boolean },
): Promise<void> {
  const r = await workbench.retrain.review(options.id, options.decision, 'cli');
  if (options.json) {
    out.line(JSON.stringify(retrainRequestView(r)));
    return;
  }
  const name = r.policy.segmentation.name;
  out.line(
    options.decision === 'promoted'
      ? `${name} v${r.run?.version}: promoted by cli; ${name}@champion → v${r.run?.version}`
      : `${name} v${r.run?.version}: rejected by cli; ${name}@champion stays${r.champion ? ` v${r.champion.version}` : ''}`,
  );
}

/** `workbench policies disable|enable <id>`: a disabled policy keeps its history and no longer triggers. */
export async function setPolicyEnabled(
  workbench: Workbench,
  out: Output,
  options: { id: string; enabled: boolean },
): Promise<void> {
  const policy = await workbench.retrain.setPolicyEnabled(options.id, options.enabled);
  out.line(`policy ${policy.id} of ${policy.segmentation.name}: ${policy.enabled ? 'enabled' : 'disabled'}`);
}

/** `workbench policies remove <id>`: it never triggers again and is no longer listed; its retrains stay. */
export async function removePolicy(workbench: Workbench, out: Output, options: { id: string }): Promise<void> {
  await workbench.retrain.deletePolicy(options.id, 'cli');
  out.line(`policy ${options.id} removed; its retrain history stays (workbench retrains)`);
}
