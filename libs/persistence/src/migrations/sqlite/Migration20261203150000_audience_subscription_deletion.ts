import { Migration } from '@mikro-orm/migrations';

export class Migration20261203150000_audience_subscription_deletion extends Migration {
  override async up(): Promise<void> {
    this.addSql(`alter table \`audience_subscription\` add column \`deleted_at\` datetime null;`);
    this.addSql(`alter table \`audience_subscription\` add column \`deleted_by\` text null;`);
  }
}
