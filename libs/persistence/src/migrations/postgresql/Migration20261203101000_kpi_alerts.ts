import { Migration } from '@mikro-orm/migrations';

export class Migration20261203101000_kpi_alerts extends Migration {
  override async up(): Promise<void> {
    this.addSql(
      `create table "kpi_alert" ("id" varchar(36) not null, "segmentation_id" varchar(36) not null, "rule" text not null, "webhook_url" text null, "created_by" varchar(255) not null, "created_at" timestamptz not null, constraint "kpi_alert_pkey" primary key ("id"));`,
    );

    this.addSql(
      `create table "alert_firing" ("id" varchar(36) not null, "alert_id" varchar(36) not null, "run_id" varchar(36) not null, "segments" jsonb not null, "event_id" varchar(36) not null, "created_at" timestamptz not null, constraint "alert_firing_pkey" primary key ("id"));`,
    );
    this.addSql(
      `alter table "alert_firing" add constraint "alert_firing_alert_id_run_id_unique" unique ("alert_id", "run_id");`,
    );

    this.addSql(
      `alter table "kpi_alert" add constraint "kpi_alert_segmentation_id_foreign" foreign key ("segmentation_id") references "segmentation" ("id") on update cascade;`,
    );

    this.addSql(
      `alter table "alert_firing" add constraint "alert_firing_alert_id_foreign" foreign key ("alert_id") references "kpi_alert" ("id") on update cascade on delete cascade;`,
    );
    this.addSql(
      `alter table "alert_firing" add constraint "alert_firing_run_id_foreign" foreign key ("run_id") references "run" ("id") on update cascade;`,
    );
  }

  override async down(): Promise<void> {
    this.addSql(`alter table "alert_firing" drop constraint "alert_firing_alert_id_foreign";`);

    this.addSql(`drop table if exists "kpi_alert" cascade;`);

    this.addSql(`drop table if exists "alert_firing" cascade;`);
  }
}
