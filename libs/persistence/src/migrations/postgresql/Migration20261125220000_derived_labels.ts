import { Migration } from '@mikro-orm/migrations';

export class Migration20261125220000_derived_labels extends Migration {
  override async up(): Promise<void> {
    this.addSql(`alter table "segmentation" add column "target" jsonb null;`);
  }

  override async down(): Promise<void> {
    this.addSql(`alter table "segmentation" drop column "target";`);
  }
}
