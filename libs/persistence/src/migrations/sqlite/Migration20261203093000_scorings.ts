import { Migration } from '@mikro-orm/migrations';

export class Migration20261203093000_scorings extends Migration {
  override async up(): Promise<void> {
    this.addSql(
      `create table \`scoring\` (\`id\` text not null, \`run_id\` text not null, \`dataset_version_id\` text not null, \`status\` text not null default 'queued', \`attempts\` integer not null default 0, \`error\` text null, \`feature_set\` text null, \`row_count\` integer null, \`scored_count\` integer null, \`error_count\` integer null, \`segment_counts\` json null, \`result_artifact_key\` text null, \`errors_artifact_key\` text null, \`created_at\` datetime not null, \`started_at\` datetime null, \`finished_at\` datetime null, constraint \`scoring_run_id_foreign\` foreign key(\`run_id\`) references \`run\`(\`id\`) on update cascade, constraint \`scoring_dataset_version_id_foreign\` foreign key(\`dataset_version_id\`) references \`dataset_version\`(\`id\`) on update cascade, primary key (\`id\`));`,
    );
    this.addSql(`create index \`scoring_dataset_version_id_index\` on \`scoring\` (\`dataset_version_id\`);`);
    this.addSql(`create index \`scoring_run_id_index\` on \`scoring\` (\`run_id\`);`);
  }
}
