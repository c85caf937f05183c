import { Migration } from '@mikro-orm/migrations';

export class Migration20261203120000_retrain_review extends Migration {
  override async up(): Promise<void> {
    this.addSql(
      `alter table "retrain_request" add column "review_decision" varchar(16) null, add column "reviewed_by" varchar(255) null, add column "reviewed_at" timestamptz null;`,
    );
  }

  override async down(): Promise<void> {
    this.addSql(
      `alter table "retrain_request" drop column "review_decision", drop column "reviewed_by", drop column "reviewed_at";`,
    );
  }
}
