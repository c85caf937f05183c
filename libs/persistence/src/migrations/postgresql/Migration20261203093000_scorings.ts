import { Migration } from '@mikro-orm/migrations';

export class Migration20261203093000_scorings extends Migration {
  override async up(): Promise<void> {
    this.addSql(
      `create table "scoring" ("id" varchar(36) not null, "run_id" varchar(36) not null, "dataset_version_id" varchar(36) not null, "status" varchar(16) not null default 'queued', "attempts" int not null default 0, "error" text null, "feature_set" varchar(128) null, "row_count" int null, "scored_count" int null, "error_count" int null, "segment_counts" jsonb null, "result_artifact_key" varchar(128) null, "errors_artifact_key" varchar(128) null, "created_at" timestamptz not null, "started_at" timestamptz null, "finished_at" timestamptz null, constraint "scoring_pkey" primary key ("id"));`,
    );
    this.addSql(`create index "scoring_run_id_index" on "scoring" ("run_id");`);

    this.addSql(
      `alter table "scoring" add constraint "scoring_run_id_foreign" foreign key ("run_id") references "run" ("id") on update cascade;`,
    );
    this.addSql(
      `alter table "scoring" add constraint "scoring_dataset_version_id_foreign" foreign key ("dataset_version_id") references "dataset_version" ("id") on update cascade;`,
    );
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists "scoring" cascade;`);
  }
}
