import type { MigrationObject } from '@mikro-orm/core';
import { Migration20261125000000_initial } from './Migration20261125000000_initial';
import { Migration20261125170000_versions_and_comparisons } from './Migration20261125170000_versions_and_comparisons';
import { Migration20261125180000_plugin_records } from './Migration20261125180000_plugin_records';
import { Migration20261125190000_kpi_evaluators } from './Migration20261125190000_kpi_evaluators';
import { Migration20261125200000_retraining } from './Migration20261125200000_retraining';
import { Migration20261125210000_extra_tables } from './Migration20261125210000_extra_tables';
import { Migration20261125220000_derived_labels } from './Migration20261125220000_derived_labels';
import { Migration20261203070000_security } from './Migration20261203070000_security';
import { Migration20261203080000_plugin_limits } from './Migration20261203080000_plugin_limits';
import { Migration20261203090000_kpi_details } from './Migration20261203090000_kpi_details';
import { Migration20261203093000_scorings } from './Migration20261203093000_scorings';
import { Migration20261203101000_kpi_alerts } from './Migration20261203101000_kpi_alerts';
import { Migration20261203120000_retrain_review } from './Migration20261203120000_retrain_review';
import { Migration20261203121000_alert_firings_of_scorings } from './Migration20261203121000_alert_firings_of_scorings';
import { Migration20261203130000_kpi_alert_deletion } from './Migration20261203130000_kpi_alert_deletion';
import { Migration20261203131500_audience_subscriptions } from './Migration20261203131500_audience_subscriptions';
import { Migration20261203150000_audience_subscription_deletion } from './Migration20261203150000_audience_subscription_deletion';
import { Migration20261203184941_assignment_run_index } from './Migration20261203184941_assignment_run_index';

/**
 * Committed SQLite migrations, oldest first. Listed explicitly so the code needs no folder glob at
 * runtime. Generate new ones with `scripts/create-migration.ts` and append them here.
 */
export const SQLITE_MIGRATIONS: MigrationObject[] = [
  { name: 'Migration20261125000000_initial', class: Migration20261125000000_initial },
  { name: 'Migration20261125170000_versions_and_comparisons', class: Migration20261125170000_versions_and_comparisons },
  { name: 'Migration20261125180000_plugin_records', class: Migration20261125180000_plugin_records },
  { name: 'Migration20261125190000_kpi_evaluators', class: Migration20261125190000_kpi_evaluators },
  { name: 'Migration20261125200000_retraining', class: Migration20261125200000_retraining },
  { name: 'Migration20261125210000_extra_tables', class: Migration20261125210000_extra_tables },
  { name: 'Migration20261125220000_derived_labels', class: Migration20261125220000_derived_labels },
  { name: 'Migration20261203070000_security', class: Migration20261203070000_security },
  { name: 'Migration20261203080000_plugin_limits', class: Migration20261203080000_plugin_limits },
  { name: 'Migration20261203090000_kpi_details', class: Migration20261203090000_kpi_details },
  { name: 'Migration20261203093000_scorings', class: Migration20261203093000_scorings },
  { name: 'Migration20261203101000_kpi_alerts', class: Migration20261203101000_kpi_alerts },
  { name: 'Migration20261203120000_retrain_review', class: Migration20261203120000_retrain_review },
  {
    name: 'Migration20261203121000_alert_firings_of_scorings',
    class: Migration20261203121000_alert_firings_of_scorings,
  },
  { name: 'Migration20261203130000_kpi_alert_deletion', class: Migration20261203130000_kpi_alert_deletion },
  { name: 'Migration20261203131500_audience_subscriptions', class: Migration20261203131500_audience_subscriptions },
  {
    name: 'Migration20261203150000_audience_subscription_deletion',
    class: Migration20261203150000_audience_subscription_deletion,
  },
  { name: 'Migration20261203184941_assignment_run_index', class: Migration20261203184941_assignment_run_index },
];
