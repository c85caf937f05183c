import { Migration } from '@mikro-orm/migrations';

export class Migration20261203090000_kpi_details extends Migration {
  override async up(): Promise<void> {
    this.addSql(`alter table \`kpi_value\` add column \`details\` json null;`);
  }
}
