import { Migration } from '@mikro-orm/migrations';

export class Migration20261125210000_extra_tables extends Migration {
  override async up(): Promise<void> {
    this.addSql(`alter table "dataset_version" add column "table_name" varchar(64) null;`);
  }

  override async down(): Promise<void> {
    this.addSql(`alter table "dataset_version" drop column "table_name";`);
  }
}
