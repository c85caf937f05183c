// The shapes the app reads from the HTTP API (the views in libs/services and the orchestrator).
// Only the fields the pages use are listed.

export interface Session {
  name: string;
  role: 'viewer' | 'analyst' | 'scientist' | 'admin';
  may: {
    read: boolean;
    runSegmentations: boolean;
    compareRuns: boolean;
    moveAliases: boolean;
    uploadData: boolean;
    addPolicies: boolean;
    registerPlugins: boolean;
    manageKeys: boolean;
  };
}

export interface Segmentation {
  id: string;
  name: string;
  description: string | null;
  plugin: string;
  params: Record<string, unknown>;
  dataset: { id: string; name: string };
  createdAt: string;
}

export type Status = 'queued' | 'running' | 'succeeded' | 'failed' | 'cancelled';

export interface Run {
  id: string;
  segmentation: { id: string; name: string };
  version: number;
  status: Status;
  progress: number;
  progressNote: string | null;
  error: string | null;
  datasetVersion: { id: string; version: number; contentHash: string };
  plugin: { name: string; version: string };
  params: Record<string, unknown>;
  seed: number;
  metrics: Record<string, number> | null;
  timings: { queuedAt: string; startedAt: string | null; finishedAt: string | null; durationMs: number | null };
}

export interface Segment {
  key: number;
  label: string;
  size: number;
  share: number;
  profile: Record<string, number | string | null>;
}

export interface Kpi {
  segmentKey: number | null;
  kpi: string;
  value: number | null;
  unit: string;
  n: number | null;
  interval: { lower: number; upper: number; method: string | null } | null;
  title: string | null;
  definition: string | null;
  higherIsBetter: boolean | null;
  note: string | null;
}

export interface Alias {
  name: string;
  run: { id: string; version: number };
  updatedAt: string;
  updatedBy: string;
}

export interface AliasEvent {
  name: string;
  fromVersion: number | null;
  toVersion: number;
  movedBy: string;
  movedAt: string;
}

export interface RetrainRequest {
  id: string;
  policy: string;
  segmentation: string;
  trigger: string;
  status: 'queued' | 'training' | 'promoted' | 'flagged' | 'failed';
  datasetVersion: number;
  run: { id: string; version: number } | null;
  champion: { id: string; version: number } | null;
  /** The rule's evaluation (absent for a first champion or a failure). */
  outcome: RetrainOutcome | null;
  drift: DriftReport | null;
  error: string | null;
  /** A person's decision on a flagged candidate. */
  review: { decision: 'promoted' | 'rejected'; by: string; at: string } | null;
  createdAt: string;
  finishedAt: string | null;
}

/** GET /policies?segmentation=. */
export interface RetrainPolicy {
  id: string;
  segmentation: string;
  trigger: 'dataset' | 'cron';
  cron: string | null;
  rule: string;
  webhookUrl: string | null;
  enabled: boolean;
  createdBy: string;
  createdAt: string;
}

export interface RetrainOutcome {
  rule?: string;
  reason?: string;
  metrics?: Record<string, number | null>;
  clauses?: { text: string; metric: string; value: number | null; passed: boolean }[];
  failing?: string[];
}

export type DriftLevel = 'stable' | 'moderate' | 'significant' | 'unknown';

/** The drift report of libs/retrain, as stored on a retrain request (only the fields the pages read). */
export interface DriftReport {
  thresholds: { moderate: number; significant: number; segmentShareChange: number; kpiRelativeChange: number };
  referenceRows: number;
  candidateRows: number;
  features: { feature: string; kind: 'numeric' | 'categorical'; psi: number | null; level: DriftLevel }[];
  maxPsi: number | null;
  maxPsiFeature: string | null;
  segments: {
    psi: number | null;
    level: DriftLevel;
    segments: {
      label: string;
      championSize: number;
      candidateSize: number;
      championShare: number;
      candidateShare: number;
      shareChange: number;
      flagged: boolean;
    }[];
  } | null;
  kpis:
    | {
        segment: string | null;
        kpi: string;
        champion: number | null;
        candidate: number | null;
        absoluteChange: number | null;
        relativeChange: number | null;
        flagged: boolean;
      }[]
    | null;
  warnings: string[];
}

/** POST /promotion-rules/check. */
export type RuleCheck =
  | { ok: true; metrics: string[] }
  | { ok: false; error: { column: number; detail: string; message: string } };

export interface Delta {
  kpi: string;
  a: number;
  b: number;
  delta: number;
  lower: number;
  upper: number;
  significant: boolean;
  method: string;
}

export interface Comparison {
  id: string;
  runA: { id: string; segmentation: string; version: number };
  runB: { id: string; segmentation: string; version: number };
  status: Status;
  error: string | null;
  metrics: { ari: number; nmi: number; matched: number; onlyInA: number; onlyInB: number; confidence: number } | null;
  migration: { labelsA: string[]; labelsB: string[]; counts: number[][]; rowPercent: number[][] } | null;
  matching: {
    pairs: {
      a: { key: number; label: string; size: number };
      b: { key: number; label: string; size: number };
      overlap: number;
      jaccard: number;
      deltas: Delta[];
    }[];
    unmatchedA: string[];
    unmatchedB: string[];
    comparedFeatures: string[];
  } | null;
  createdAt: string;
}

export interface HistoryEntry {
  segmentation: string;
  runId: string;
  version: number;
  datasetVersion: number;
  segmentKey: number;
  segmentLabel: string;
  score: number | null;
  finishedAt: string | null;
}

export interface AssignmentsPage {
  total: number;
  offset: number;
  limit: number;
  rows: { customerId: string; segmentKey: number; segmentLabel: string; score: number | null }[];
}

/** One KPI of an evaluator in two runs' segments: A's value, B's, the change and its interval (GET /comparisons/:id/kpi-deltas). */
export interface KpiDelta {
  kpi: string;
  evaluator: string;
  title: string | null;
  unit: string;
  higherIsBetter: boolean | null;
  a: number | null;
  b: number | null;
  delta: number | null;
  interval: { lower: number; upper: number; method: string } | null;
  significant: boolean | null;
}

export interface ComparisonKpiDeltas {
  comparison: string;
  overall: KpiDelta[];
  pairs: { a: { key: number; label: string }; b: { key: number; label: string }; kpis: KpiDelta[] }[];
}

export interface KpiPoint {
  value: number | null;
  lower: number | null;
  upper: number | null;
  n: number | null;
}

/** GET /segmentations/:id/kpi-history: one KPI per version, segments followed by the matching of consecutive versions. */
export interface KpiHistory {
  segmentation: string;
  kpi: string;
  title: string | null;
  unit: string | null;
  anchor: { alias: string | null; runId: string; version: number };
  versions: { runId: string; version: number; datasetVersion: number }[];
  links: { from: number; to: number; comparison: string | null }[];
  overall: (KpiPoint | null)[];
  lines: { label: string; keys: (number | null)[]; labels: (string | null)[]; points: (KpiPoint | null)[] }[];
}

/** GET /runs/:id/customers/:customerId. */
export interface CustomerInRun {
  customerId: string;
  run: { id: string; segmentation: string; version: number };
  segment: { key: number; label: string };
  score: number | null;
  features: {
    name: string;
    value: number | string | null;
    segmentMean: number | null;
    overallMean: number | null;
    inModel: boolean;
  }[];
}

export interface Plugin {
  name: string;
  version: string;
  kind: 'segmenter' | 'predictor' | 'kpi';
  description: string;
  sdk: string;
  source: string;
  paramsSchema: import('../shape/params-form').ParamsSchema;
  registeredBy: string;
  registeredAt: string | null;
  enabled: boolean;
}

export interface PluginReadme {
  name: string;
  version: string;
  readme: string | null;
}

/** GET /datasets. */
export interface Dataset {
  id: string;
  name: string;
  description: string | null;
  createdAt: string;
}

/** One rejected row of an ingest report: its line in the file, the field and what was expected. */
export interface RowProblem {
  line: number;
  field: string;
  message: string;
}

/** The ingest report of an upload (stored with a version; or the body of a refused upload, beside `message`). */
export interface IngestReport {
  rowsRead: number;
  rowsAccepted: number;
  rowsRejected: number;
  problems: RowProblem[];
  problemsOmitted?: number;
  policy: 'reject' | 'skip';
  returns?: 'net' | 'exclude';
  returnRows?: number;
  returnsExcluded?: number;
  zeroAmounts?: 'keep' | 'exclude';
  zeroAmountsExcluded?: number;
  mapping?: Record<string, string>;
  dateFormat?: string;
}

export type DatasetKind = 'customers' | 'transactions' | 'table';

export interface DatasetVersion {
  id: string;
  dataset: string;
  version: number;
  contentHash: string;
  kind: DatasetKind;
  table: string | null;
  rowCount: number;
  rejectedCount: number;
  schema: { name: string; source?: string; type: string; role?: string }[];
  stats: Record<string, unknown>;
  report: IngestReport;
  sourceName: string | null;
  createdAt: string;
}

/** GET /datasets/:id. */
export interface DatasetDetail extends Dataset {
  versions: DatasetVersion[];
}

/** POST /datasets: the version that holds the upload's content (`created` false: it was stored before). */
export interface Ingest {
  dataset: { id: string; name: string };
  created: boolean;
  version: DatasetVersion;
}

/** What the ingest would read a file as, for one kind: upload fields, or why it cannot. */
export interface PreviewLayout {
  fields: Record<string, string> | null;
  problem: string | null;
}

/** POST /datasets/preview. */
export interface DatasetPreview {
  columns: string[];
  rows: { line: number; fields: string[] }[];
  complete: boolean;
  kind: DatasetKind;
  transactions: PreviewLayout;
  customers: PreviewLayout;
}

/** GET /api-keys (admin): a key without its secret. */
export interface ApiKey {
  id: string;
  name: string;
  role: Session['role'];
  /** First characters of the secret, to tell keys apart. */
  prefix: string;
  createdAt: string;
  lastUsedAt: string | null;
  revokedAt: string | null;
  revokedBy: string | null;
  expiresAt: string | null;
}

/** POST /api-keys: the new key with its secret, which no later answer carries. */
export interface CreatedApiKey extends ApiKey {
  key: string;
}

/** One job of GET /admin/queue. */
export interface QueueJob {
  queue: 'train' | 'compare' | 'retrain' | 'notify' | 'score';
  id: string;
  state: 'waiting' | 'active' | 'delayed' | 'completed' | 'failed';
  attempt: number;
  maxAttempts: number;
  progress: number | null;
  progressNote: string | null;
  enqueuedAt: string | null;
  startedAt: string | null;
  finishedAt: string | null;
  error: string | null;
}

/** GET /admin/queue (admin). */
export interface QueueJobs {
  kind: 'inline' | 'bull';
  /** Where bull-board is (Bull mode), after POST /admin/queue/dashboard-session; null for the in-process queue. */
  dashboard: string | null;
  jobs: QueueJob[];
}

/** One event of `GET /events/stream` (see the orchestrator's OpenAPI description). */
export type LiveEvent =
  | { type: 'progress'; queue: string; id: string; fraction: number; note?: string }
  | { type: 'log'; queue: string; id: string; level: 'info' | 'warn' | 'error'; message: string }
  | { type: 'state'; kind: 'run' | 'comparison' | 'scoring' | 'retrain'; id: string; status: string }
  | { type: 'ingest'; uploadId: string; fraction: number; rows: number };
