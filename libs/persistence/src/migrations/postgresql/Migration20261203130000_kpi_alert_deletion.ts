import { Migration } from '@mikro-orm/migrations';

export class Migration20261203130000_kpi_alert_deletion extends Migration {
  override async up(): Promise<void> {
    this.addSql(
      `alter table "kpi_alert" add column "deleted_at" timestamptz null, add column "deleted_by" varchar(255) null;`,
    );
  }

  override async down(): Promise<void> {
    this.addSql(`alter table "kpi_alert" drop column "deleted_at", drop column "deleted_by";`);
  }
}
