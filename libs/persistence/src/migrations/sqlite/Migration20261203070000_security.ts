import { Migration } from '@mikro-orm/migrations';

export class Migration20261203070000_security extends Migration {
  override async up(): Promise<void> {
    this.addSql(`alter table \`api_key\` add column \`revoked_by\` text null;`);
    this.addSql(`alter table \`api_key\` add column \`expires_at\` datetime null;`);

    this.addSql(`alter table \`plugin_record\` add column \`disabled_by\` text null;`);
    this.addSql(`alter table \`plugin_record\` add column \`disabled_at\` datetime null;`);

    this.addSql(`alter table \`run\` add column \`owner\` text null;`);
    this.addSql(`alter table \`run\` add column \`heartbeat_at\` datetime null;`);

    this.addSql(`alter table \`retrain_policy\` add column \`deleted_at\` datetime null;`);
    this.addSql(`alter table \`retrain_policy\` add column \`deleted_by\` text null;`);

    this.addSql(`alter table \`retrain_request\` add column \`owner\` text null;`);
    this.addSql(`alter table \`retrain_request\` add column \`heartbeat_at\` datetime null;`);
  }
}
