import { Migration } from '@mikro-orm/migrations';

export class Migration20261203070000_security extends Migration {
  override async up(): Promise<void> {
    this.addSql(
      `alter table "api_key" add column "revoked_by" varchar(255) null, add column "expires_at" timestamptz null;`,
    );

    this.addSql(
      `alter table "plugin_record" add column "disabled_by" varchar(255) null, add column "disabled_at" timestamptz null;`,
    );

    this.addSql(`alter table "run" add column "owner" varchar(128) null, add column "heartbeat_at" timestamptz null;`);

    this.addSql(
      `alter table "retrain_policy" add column "deleted_at" timestamptz null, add column "deleted_by" varchar(255) null;`,
    );

    this.addSql(
      `alter table "retrain_request" add column "owner" varchar(128) null, add column "heartbeat_at" timestamptz null;`,
    );
  }

  override async down(): Promise<void> {
    this.addSql(`alter table "api_key" drop column "revoked_by", drop column "expires_at";`);

    this.addSql(`alter table "plugin_record" drop column "disabled_by", drop column "disabled_at";`);

    this.addSql(`alter table "retrain_policy" drop column "deleted_at", drop column "deleted_by";`);

    this.addSql(`alter table "retrain_request" drop column "owner", drop column "heartbeat_at";`);

    this.addSql(`alter table "run" drop column "owner", drop column "heartbeat_at";`);
  }
}
