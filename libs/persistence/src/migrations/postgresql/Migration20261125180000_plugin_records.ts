import { Migration } from '@mikro-orm/migrations';

export class Migration20261125180000_plugin_records extends Migration {
  override async up(): Promise<void> {
    this.addSql(
      `create table "plugin_record" ("id" varchar(36) not null, "name" varchar(64) not null, "version" varchar(64) not null, "kind" varchar(16) not null, "source" varchar(1000) not null, "manifest" jsonb not null, "enabled" boolean not null default true, "registered_by" varchar(255) not null, "registered_at" timestamptz not null, constraint "plugin_record_pkey" primary key ("id"));`,
    );
    this.addSql(
      `alter table "plugin_record" add constraint "plugin_record_name_version_unique" unique ("name", "version");`,
    );
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists "plugin_record" cascade;`);
  }
}
