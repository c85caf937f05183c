import { Migration } from '@mikro-orm/migrations';

export class Migration20261125180000_plugin_records extends Migration {
  override async up(): Promise<void> {
    this.addSql(
      `create table \`plugin_record\` (\`id\` text not null, \`name\` text not null, \`version\` text not null, \`kind\` text not null, \`source\` text not null, \`manifest\` json not null, \`enabled\` integer not null default true, \`registered_by\` text not null, \`registered_at\` datetime not null, primary key (\`id\`));`,
    );
    this.addSql(
      `create unique index \`plugin_record_name_version_unique\` on \`plugin_record\` (\`name\`, \`version\`);`,
    );
  }
}
