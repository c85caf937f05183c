import { Migration } from '@mikro-orm/migrations';

export class Migration20261203121000_alert_firings_of_scorings extends Migration {
  override async up(): Promise<void> {
    this.addSql(`alter table "alert_firing" drop constraint "alert_firing_alert_id_run_id_unique";`);

    this.addSql(
      `alter table "alert_firing" add column "scoring_id" varchar(36) null, add column "source" varchar(36) null;`,
    );
    // Firings so far are all runs': their source is their run.
    this.addSql(`update "alert_firing" set "source" = "run_id";`);
    this.addSql(`alter table "alert_firing" alter column "source" set not null;`);
    this.addSql(
      `alter table "alert_firing" add constraint "alert_firing_scoring_id_foreign" foreign key ("scoring_id") references "scoring" ("id") on update cascade on delete set null;`,
    );
    this.addSql(
      `alter table "alert_firing" add constraint "alert_firing_alert_id_source_unique" unique ("alert_id", "source");`,
    );
  }

  override async down(): Promise<void> {
    this.addSql(`alter table "alert_firing" drop constraint "alert_firing_scoring_id_foreign";`);

    this.addSql(`alter table "alert_firing" drop constraint "alert_firing_alert_id_source_unique";`);
    this.addSql(`alter table "alert_firing" drop column "scoring_id", drop column "source";`);

    this.addSql(
      `alter table "alert_firing" add constraint "alert_firing_alert_id_run_id_unique" unique ("alert_id", "run_id");`,
    );
  }
}
