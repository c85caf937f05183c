import { Migration } from '@mikro-orm/migrations';

export class Migration20261125170000_versions_and_comparisons extends Migration {
  override async up(): Promise<void> {
    this.addSql(
      `create table "comparison" ("id" varchar(36) not null, "run_a_id" varchar(36) not null, "run_b_id" varchar(36) not null, "status" varchar(16) not null default 'queued', "attempts" int not null default 0, "error" text null, "metrics" jsonb null, "migration" jsonb null, "matching" jsonb null, "created_at" timestamptz not null, "finished_at" timestamptz null, constraint "comparison_pkey" primary key ("id"));`,
    );
    this.addSql(`create index "comparison_run_a_id_run_b_id_index" on "comparison" ("run_a_id", "run_b_id");`);

    this.addSql(
      `create table "assignment" ("run_id" varchar(36) not null, "customer_id" varchar(255) not null, "segment_key" int not null, "score" double precision null, constraint "assignment_pkey" primary key ("run_id", "customer_id"));`,
    );
    this.addSql(`create index "assignment_customer_id_index" on "assignment" ("customer_id");`);

    this.addSql(
      `create table "alias_event" ("id" varchar(36) not null, "segmentation_id" varchar(36) not null, "name" varchar(64) not null, "from_run_id" varchar(36) null, "to_run_id" varchar(36) not null, "moved_by" varchar(255) not null, "moved_at" timestamptz not null, constraint "alias_event_pkey" primary key ("id"));`,
    );
    this.addSql(`create index "alias_event_segmentation_id_name_index" on "alias_event" ("segmentation_id", "name");`);

    this.addSql(
      `create table "alias" ("id" varchar(36) not null, "segmentation_id" varchar(36) not null, "name" varchar(64) not null, "run_id" varchar(36) not null, "updated_at" timestamptz not null, "updated_by" varchar(255) not null, constraint "alias_pkey" primary key ("id"));`,
    );
    this.addSql(
      `alter table "alias" add constraint "alias_segmentation_id_name_unique" unique ("segmentation_id", "name");`,
    );

    this.addSql(
      `alter table "comparison" add constraint "comparison_run_a_id_foreign" foreign key ("run_a_id") references "run" ("id") on update cascade;`,
    );
    this.addSql(
      `alter table "comparison" add constraint "comparison_run_b_id_foreign" foreign key ("run_b_id") references "run" ("id") on update cascade;`,
    );

    this.addSql(
      `alter table "assignment" add constraint "assignment_run_id_foreign" foreign key ("run_id") references "run" ("id") on update cascade on delete cascade;`,
    );

    this.addSql(
      `alter table "alias_event" add constraint "alias_event_segmentation_id_foreign" foreign key ("segmentation_id") references "segmentation" ("id") on update cascade;`,
    );
    this.addSql(
      `alter table "alias_event" add constraint "alias_event_from_run_id_foreign" foreign key ("from_run_id") references "run" ("id") on update cascade on delete set null;`,
    );
    this.addSql(
      `alter table "alias_event" add constraint "alias_event_to_run_id_foreign" foreign key ("to_run_id") references "run" ("id") on update cascade;`,
    );

    this.addSql(
      `alter table "alias" add constraint "alias_segmentation_id_foreign" foreign key ("segmentation_id") references "segmentation" ("id") on update cascade;`,
    );
    this.addSql(
      `alter table "alias" add constraint "alias_run_id_foreign" foreign key ("run_id") references "run" ("id") on update cascade;`,
    );

    this.addSql(
      `alter table "run" add column "feature_set" varchar(128) null, add column "workbench_version" varchar(32) null;`,
    );
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists "comparison" cascade;`);

    this.addSql(`drop table if exists "assignment" cascade;`);

    this.addSql(`drop table if exists "alias_event" cascade;`);

    this.addSql(`drop table if exists "alias" cascade;`);

    this.addSql(`alter table "run" drop column "feature_set", drop column "workbench_version";`);
  }
}
