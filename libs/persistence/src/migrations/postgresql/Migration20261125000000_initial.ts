import { Migration } from '@mikro-orm/migrations';

export class Migration20261125000000_initial extends Migration {
  override async up(): Promise<void> {
    this.addSql(
      `create table "api_key" ("id" varchar(36) not null, "name" varchar(255) not null, "role" varchar(16) not null, "key_hash" varchar(64) not null, "prefix" varchar(16) not null, "created_at" timestamptz not null, "last_used_at" timestamptz null, "revoked_at" timestamptz null, constraint "api_key_pkey" primary key ("id"));`,
    );
    this.addSql(`alter table "api_key" add constraint "api_key_key_hash_unique" unique ("key_hash");`);

    this.addSql(
      `create table "dataset" ("id" varchar(36) not null, "name" varchar(255) not null, "description" text null, "created_at" timestamptz not null, constraint "dataset_pkey" primary key ("id"));`,
    );
    this.addSql(`alter table "dataset" add constraint "dataset_name_unique" unique ("name");`);

    this.addSql(
      `create table "dataset_version" ("id" varchar(36) not null, "dataset_id" varchar(36) not null, "version" int not null, "content_hash" varchar(128) not null, "kind" varchar(16) not null, "row_count" int not null, "rejected_count" int not null, "schema" jsonb not null, "stats" jsonb not null, "report" jsonb not null, "artifact_key" varchar(128) not null, "source_name" varchar(255) null, "created_at" timestamptz not null, constraint "dataset_version_pkey" primary key ("id"));`,
    );
    this.addSql(
      `alter table "dataset_version" add constraint "dataset_version_dataset_id_content_hash_unique" unique ("dataset_id", "content_hash");`,
    );
    this.addSql(
      `alter table "dataset_version" add constraint "dataset_version_dataset_id_version_unique" unique ("dataset_id", "version");`,
    );

    this.addSql(
      `create table "segmentation" ("id" varchar(36) not null, "name" varchar(255) not null, "description" text null, "plugin_name" varchar(255) not null, "params" jsonb not null, "features" jsonb not null, "dataset_id" varchar(36) not null, "next_version" int not null default 1, "created_at" timestamptz not null, constraint "segmentation_pkey" primary key ("id"));`,
    );
    this.addSql(`alter table "segmentation" add constraint "segmentation_name_unique" unique ("name");`);

    this.addSql(
      `create table "run" ("id" varchar(36) not null, "segmentation_id" varchar(36) not null, "version" int not null, "dataset_version_id" varchar(36) not null, "plugin_name" varchar(255) not null, "plugin_version" varchar(64) not null, "params" jsonb not null, "seed" int not null, "status" varchar(16) not null default 'queued', "progress" double precision not null default 0, "progress_note" text null, "attempts" int not null default 0, "error" text null, "metrics" jsonb null, "model_artifact_key" varchar(128) null, "assignments_artifact_key" varchar(128) null, "backend" varchar(64) null, "queued_at" timestamptz not null, "started_at" timestamptz null, "finished_at" timestamptz null, constraint "run_pkey" primary key ("id"));`,
    );
    this.addSql(
      `alter table "run" add constraint "run_segmentation_id_version_unique" unique ("segmentation_id", "version");`,
    );

    this.addSql(
      `create table "segment" ("id" varchar(36) not null, "run_id" varchar(36) not null, "key" int not null, "label" varchar(255) not null, "size" int not null, "share" double precision not null, "profile" jsonb not null, constraint "segment_pkey" primary key ("id"));`,
    );
    this.addSql(`alter table "segment" add constraint "segment_run_id_key_unique" unique ("run_id", "key");`);

    this.addSql(
      `create table "kpi_value" ("id" varchar(36) not null, "run_id" varchar(36) not null, "segment_key" int null, "kpi" varchar(255) not null, "value" double precision null, "unit" varchar(64) not null, "lower_bound" double precision null, "upper_bound" double precision null, "n" int null, "note" text null, constraint "kpi_value_pkey" primary key ("id"));`,
    );
    this.addSql(
      `create index "kpi_value_run_id_segment_key_kpi_index" on "kpi_value" ("run_id", "segment_key", "kpi");`,
    );

    this.addSql(
      `alter table "dataset_version" add constraint "dataset_version_dataset_id_foreign" foreign key ("dataset_id") references "dataset" ("id") on update cascade;`,
    );

    this.addSql(
      `alter table "segmentation" add constraint "segmentation_dataset_id_foreign" foreign key ("dataset_id") references "dataset" ("id") on update cascade;`,
    );

    this.addSql(
      `alter table "run" add constraint "run_segmentation_id_foreign" foreign key ("segmentation_id") references "segmentation" ("id") on update cascade;`,
    );
    this.addSql(
      `alter table "run" add constraint "run_dataset_version_id_foreign" foreign key ("dataset_version_id") references "dataset_version" ("id") on update cascade;`,
    );

    this.addSql(
      `alter table "segment" add constraint "segment_run_id_foreign" foreign key ("run_id") references "run" ("id") on update cascade on delete cascade;`,
    );

    this.addSql(
      `alter table "kpi_value" add constraint "kpi_value_run_id_foreign" foreign key ("run_id") references "run" ("id") on update cascade on delete cascade;`,
    );
  }

  override async down(): Promise<void> {
    this.addSql(`alter table "dataset_version" drop constraint "dataset_version_dataset_id_foreign";`);

    this.addSql(`alter table "segmentation" drop constraint "segmentation_dataset_id_foreign";`);

    this.addSql(`alter table "run" drop constraint "run_dataset_version_id_foreign";`);

    this.addSql(`alter table "run" drop constraint "run_segmentation_id_foreign";`);

    this.addSql(`alter table "segment" drop constraint "segment_run_id_foreign";`);

    this.addSql(`alter table "kpi_value" drop constraint "kpi_value_run_id_foreign";`);

    this.addSql(`drop table if exists "api_key" cascade;`);

    this.addSql(`drop table if exists "dataset" cascade;`);

    this.addSql(`drop table if exists "dataset_version" cascade;`);

    this.addSql(`drop table if exists "segmentation" cascade;`);

    this.addSql(`drop table if exists "run" cascade;`);

    this.addSql(`drop table if exists "segment" cascade;`);

    this.addSql(`drop table if exists "kpi_value" cascade;`);
  }
}
