import { Migration } from '@mikro-orm/migrations';

export class Migration20261203150000_audience_subscription_deletion extends Migration {
  override async up(): Promise<void> {
    this.addSql(
      `alter table "audience_subscription" add column "deleted_at" timestamptz null, add column "deleted_by" varchar(255) null;`,
    );
  }

  override async down(): Promise<void> {
    this.addSql(`alter table "audience_subscription" drop column "deleted_at", drop column "deleted_by";`);
  }
}
