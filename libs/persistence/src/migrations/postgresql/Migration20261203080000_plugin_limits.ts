import { Migration } from '@mikro-orm/migrations';

export class Migration20261203080000_plugin_limits extends Migration {
  override async up(): Promise<void> {
    this.addSql(`alter table "segmentation" add column "limits" jsonb null;`);
  }

  override async down(): Promise<void> {
    this.addSql(`alter table "segmentation" drop column "limits";`);
  }
}
