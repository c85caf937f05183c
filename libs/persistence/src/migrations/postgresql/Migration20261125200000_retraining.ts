import { Migration } from '@mikro-orm/migrations';

export class Migration20261125200000_retraining extends Migration {
  override async up(): Promise<void> {
    this.addSql(
      `create table "retrain_policy" ("id" varchar(36) not null, "segmentation_id" varchar(36) not null, "trigger" varchar(16) not null, "cron" varchar(128) null, "rule" text not null, "webhook_url" varchar(2000) null, "enabled" boolean not null default true, "created_by" varchar(255) not null, "created_at" timestamptz not null, constraint "retrain_policy_pkey" primary key ("id"));`,
    );

    this.addSql(
      `create table "retrain_request" ("id" varchar(36) not null, "policy_id" varchar(36) not null, "trigger_key" varchar(255) not null, "dataset_version_id" varchar(36) not null, "status" varchar(16) not null default 'queued', "run_id" varchar(36) null, "champion_id" varchar(36) null, "outcome" jsonb null, "drift" jsonb null, "attempts" int not null default 0, "error" text null, "created_at" timestamptz not null, "finished_at" timestamptz null, constraint "retrain_request_pkey" primary key ("id"));`,
    );
    this.addSql(
      `alter table "retrain_request" add constraint "retrain_request_policy_id_trigger_key_unique" unique ("policy_id", "trigger_key");`,
    );

    this.addSql(
      `create table "workbench_event" ("id" varchar(36) not null, "kind" varchar(64) not null, "segmentation" varchar(255) not null, "policy_id" varchar(36) null, "request_id" varchar(36) null, "run_id" varchar(36) null, "message" text not null, "details" jsonb not null, "webhook_status" varchar(16) not null default 'none', "webhook_attempts" int not null default 0, "created_at" timestamptz not null, constraint "workbench_event_pkey" primary key ("id"));`,
    );
    this.addSql(
      `alter table "workbench_event" add constraint "workbench_event_request_id_unique" unique ("request_id");`,
    );
    this.addSql(`create index "workbench_event_created_at_index" on "workbench_event" ("created_at");`);

    this.addSql(
      `alter table "retrain_policy" add constraint "retrain_policy_segmentation_id_foreign" foreign key ("segmentation_id") references "segmentation" ("id") on update cascade;`,
    );

    this.addSql(
      `alter table "retrain_request" add constraint "retrain_request_policy_id_foreign" foreign key ("policy_id") references "retrain_policy" ("id") on update cascade;`,
    );
    this.addSql(
      `alter table "retrain_request" add constraint "retrain_request_dataset_version_id_foreign" foreign key ("dataset_version_id") references "dataset_version" ("id") on update cascade;`,
    );
    this.addSql(
      `alter table "retrain_request" add constraint "retrain_request_run_id_foreign" foreign key ("run_id") references "run" ("id") on update cascade on delete set null;`,
    );
    this.addSql(
      `alter table "retrain_request" add constraint "retrain_request_champion_id_foreign" foreign key ("champion_id") references "run" ("id") on update cascade on delete set null;`,
    );
  }

  override async down(): Promise<void> {
    this.addSql(`alter table "retrain_request" drop constraint "retrain_request_policy_id_foreign";`);

    this.addSql(`drop table if exists "retrain_policy" cascade;`);

    this.addSql(`drop table if exists "retrain_request" cascade;`);

    this.addSql(`drop table if exists "workbench_event" cascade;`);
  }
}
