import { Migration } from '@mikro-orm/migrations';

export class Migration20261203120000_retrain_review extends Migration {
  override async up(): Promise<void> {
    this.addSql(`alter table \`retrain_request\` add column \`review_decision\` text null;`);
    this.addSql(`alter table \`retrain_request\` add column \`reviewed_by\` text null;`);
    this.addSql(`alter table \`retrain_request\` add column \`reviewed_at\` datetime null;`);
  }
}
