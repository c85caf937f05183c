import { Migration } from '@mikro-orm/migrations';

export class Migration20261203130000_kpi_alert_deletion extends Migration {
  override async up(): Promise<void> {
    this.addSql(`alter table \`kpi_alert\` add column \`deleted_at\` datetime null;`);
    this.addSql(`alter table \`kpi_alert\` add column \`deleted_by\` text null;`);
  }
}
