export { AlertFiring } from './alert-firing.entity';
export { Alias } from './alias.entity';
export { AliasEvent } from './alias-event.entity';
export { AudienceSubscription } from './audience-subscription.entity';
export { ApiKey, ROLES, type Role } from './api-key.entity';
export { Assignment } from './assignment.entity';
export { Comparison, ComparisonStatus } from './comparison.entity';
export { Dataset } from './dataset.entity';
export { DATASET_KINDS, DatasetVersion, type ColumnSchemaEntry, type DatasetKind } from './dataset-version.entity';
export { KpiAlert } from './kpi-alert.entity';
export { KpiValue } from './kpi-value.entity';
export { PluginRecord } from './plugin-record.entity';
export { RetrainPolicy } from './retrain-policy.entity';
export { RetrainRequest } from './retrain-request.entity';
export { Run, RunStatus } from './run.entity';
export { Scoring, ScoringStatus } from './scoring.entity';
export { WorkbenchEvent } from './workbench-event.entity';
export { Segment } from './segment.entity';
export { Segmentation } from './segmentation.entity';

import { AlertFiring } from './alert-firing.entity';
import { Alias } from './alias.entity';
import { AliasEvent } from './alias-event.entity';
import { AudienceSubscription } from './audience-subscription.entity';
import { ApiKey } from './api-key.entity';
import { Assignment } from './assignment.entity';
import { Comparison } from './comparison.entity';
import { Dataset } from './dataset.entity';
import { DatasetVersion } from './dataset-version.entity';
import { KpiAlert } from './kpi-alert.entity';
import { KpiValue } from './kpi-value.entity';
import { PluginRecord } from './plugin-record.entity';
import { RetrainPolicy } from './retrain-policy.entity';
import { RetrainRequest } from './retrain-request.entity';
import { Run } from './run.entity';
import { Scoring } from './scoring.entity';
import { WorkbenchEvent } from './workbench-event.entity';
import { Segment } from './segment.entity';
import { Segmentation } from './segmentation.entity';

/** Every entity of the schema, passed explicitly to MikroORM (no folder discovery). */
export const ENTITIES = [
  Dataset,
  DatasetVersion,
  Segmentation,
  Run,
  Segment,
  KpiValue,
  ApiKey,
  Alias,
  AliasEvent,
  Assignment,
  Comparison,
  PluginRecord,
  RetrainPolicy,
  RetrainRequest,
  WorkbenchEvent,
  Scoring,
  KpiAlert,
  AlertFiring,
  AudienceSubscription,
];
