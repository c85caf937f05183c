import { Migration } from '@mikro-orm/migrations';

export class Migration20261125000000_initial extends Migration {
  override async up(): Promise<void> {
    this.addSql(
      `create table \`api_key\` (\`id\` text not null, \`name\` text not null, \`role\` text not null, \`key_hash\` text not null, \`prefix\` text not null, \`created_at\` datetime not null, \`last_used_at\` datetime null, \`revoked_at\` datetime null, primary key (\`id\`));`,
    );
    this.addSql(`create unique index \`api_key_key_hash_unique\` on \`api_key\` (\`key_hash\`);`);

    this.addSql(
      `create table \`dataset\` (\`id\` text not null, \`name\` text not null, \`description\` text null, \`created_at\` datetime not null, primary key (\`id\`));`,
    );
    this.addSql(`create unique index \`dataset_name_unique\` on \`dataset\` (\`name\`);`);

    this.addSql(
      `create table \`dataset_version\` (\`id\` text not null, \`dataset_id\` text not null, \`version\` integer not null, \`content_hash\` text not null, \`kind\` text not null, \`row_count\` integer not null, \`rejected_count\` integer not null, \`schema\` json not null, \`stats\` json not null, \`report\` json not null, \`artifact_key\` text not null, \`source_name\` text null, \`created_at\` datetime not null, constraint \`dataset_version_dataset_id_foreign\` foreign key(\`dataset_id\`) references \`dataset\`(\`id\`) on update cascade, primary key (\`id\`));`,
    );
    this.addSql(`create index \`dataset_version_dataset_id_index\` on \`dataset_version\` (\`dataset_id\`);`);
    this.addSql(
      `create unique index \`dataset_version_dataset_id_content_hash_unique\` on \`dataset_version\` (\`dataset_id\`, \`content_hash\`);`,
    );
    this.addSql(
      `create unique index \`dataset_version_dataset_id_version_unique\` on \`dataset_version\` (\`dataset_id\`, \`version\`);`,
    );

    this.addSql(
      `create table \`segmentation\` (\`id\` text not null, \`name\` text not null, \`description\` text null, \`plugin_name\` text not null, \`params\` json not null, \`features\` json not null, \`dataset_id\` text not null, \`next_version\` integer not null default 1, \`created_at\` datetime not null, constraint \`segmentation_dataset_id_foreign\` foreign key(\`dataset_id\`) references \`dataset\`(\`id\`) on update cascade, primary key (\`id\`));`,
    );
    this.addSql(`create unique index \`segmentation_name_unique\` on \`segmentation\` (\`name\`);`);
    this.addSql(`create index \`segmentation_dataset_id_index\` on \`segmentation\` (\`dataset_id\`);`);

    this.addSql(
      `create table \`run\` (\`id\` text not null, \`segmentation_id\` text not null, \`version\` integer not null, \`dataset_version_id\` text not null, \`plugin_name\` text not null, \`plugin_version\` text not null, \`params\` json not null, \`seed\` integer not null, \`status\` text not null default 'queued', \`progress\` double not null default 0, \`progress_note\` text null, \`attempts\` integer not null default 0, \`error\` text null, \`metrics\` json null, \`model_artifact_key\` text null, \`assignments_artifact_key\` text null, \`backend\` text null, \`queued_at\` datetime not null, \`started_at\` datetime null, \`finished_at\` datetime null, constraint \`run_segmentation_id_foreign\` foreign key(\`segmentation_id\`) references \`segmentation\`(\`id\`) on update cascade, constraint \`run_dataset_version_id_foreign\` foreign key(\`dataset_version_id\`) references \`dataset_version\`(\`id\`) on update cascade, primary key (\`id\`));`,
    );
    this.addSql(`create index \`run_segmentation_id_index\` on \`run\` (\`segmentation_id\`);`);
    this.addSql(`create index \`run_dataset_version_id_index\` on \`run\` (\`dataset_version_id\`);`);
    this.addSql(
      `create unique index \`run_segmentation_id_version_unique\` on \`run\` (\`segmentation_id\`, \`version\`);`,
    );

    this.addSql(
      `create table \`segment\` (\`id\` text not null, \`run_id\` text not null, \`key\` integer not null, \`label\` text not null, \`size\` integer not null, \`share\` double not null, \`profile\` json not null, constraint \`segment_run_id_foreign\` foreign key(\`run_id\`) references \`run\`(\`id\`) on delete cascade on update cascade, primary key (\`id\`));`,
    );
    this.addSql(`create index \`segment_run_id_index\` on \`segment\` (\`run_id\`);`);
    this.addSql(`create unique index \`segment_run_id_key_unique\` on \`segment\` (\`run_id\`, \`key\`);`);

    this.addSql(
      `create table \`kpi_value\` (\`id\` text not null, \`run_id\` text not null, \`segment_key\` integer null, \`kpi\` text not null, \`value\` double null, \`unit\` text not null, \`lower_bound\` double null, \`upper_bound\` double null, \`n\` integer null, \`note\` text null, constraint \`kpi_value_run_id_foreign\` foreign key(\`run_id\`) references \`run\`(\`id\`) on delete cascade on update cascade, primary key (\`id\`));`,
    );
    this.addSql(`create index \`kpi_value_run_id_index\` on \`kpi_value\` (\`run_id\`);`);
    this.addSql(
      `create index \`kpi_value_run_id_segment_key_kpi_index\` on \`kpi_value\` (\`run_id\`, \`segment_key\`, \`kpi\`);`,
    );
  }
}
