import { Migration } from '@mikro-orm/migrations';

export class Migration20261125210000_extra_tables extends Migration {
  override async up(): Promise<void> {
    this.addSql(`alter table \`dataset_version\` add column \`table_name\` text null;`);
  }
}
