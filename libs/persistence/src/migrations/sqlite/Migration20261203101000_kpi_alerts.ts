import { Migration } from '@mikro-orm/migrations';

export class Migration20261203101000_kpi_alerts extends Migration {
  override async up(): Promise<void> {
    this.addSql(
      `create table \`kpi_alert\` (\`id\` text not null, \`segmentation_id\` text not null, \`rule\` text not null, \`webhook_url\` text null, \`created_by\` text not null, \`created_at\` datetime not null, constraint \`kpi_alert_segmentation_id_foreign\` foreign key(\`segmentation_id\`) references \`segmentation\`(\`id\`) on update cascade, primary key (\`id\`));`,
    );
    this.addSql(`create index \`kpi_alert_segmentation_id_index\` on \`kpi_alert\` (\`segmentation_id\`);`);

    this.addSql(
      `create table \`alert_firing\` (\`id\` text not null, \`alert_id\` text not null, \`run_id\` text not null, \`segments\` json not null, \`event_id\` text not null, \`created_at\` datetime not null, constraint \`alert_firing_alert_id_foreign\` foreign key(\`alert_id\`) references \`kpi_alert\`(\`id\`) on delete cascade on update cascade, constraint \`alert_firing_run_id_foreign\` foreign key(\`run_id\`) references \`run\`(\`id\`) on update cascade, primary key (\`id\`));`,
    );
    this.addSql(`create index \`alert_firing_alert_id_index\` on \`alert_firing\` (\`alert_id\`);`);
    this.addSql(`create index \`alert_firing_run_id_index\` on \`alert_firing\` (\`run_id\`);`);
    this.addSql(
      `create unique index \`alert_firing_alert_id_run_id_unique\` on \`alert_firing\` (\`alert_id\`, \`run_id\`);`,
    );
  }
}
