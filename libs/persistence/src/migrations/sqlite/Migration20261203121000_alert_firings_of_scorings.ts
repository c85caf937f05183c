import { Migration } from '@mikro-orm/migrations';

export class Migration20261203121000_alert_firings_of_scorings extends Migration {
  override async up(): Promise<void> {
    // SQLite adds a not-null column without a default only by rebuilding the table. Firings so far are all
    // runs': their source is their run. No table refers to alert_firing, so dropping it breaks no key.
    this.addSql(
      `create table \`alert_firing__temp_alter\` (\`id\` text not null, \`alert_id\` text not null, \`run_id\` text not null, \`scoring_id\` text null, \`source\` text not null, \`segments\` json not null, \`event_id\` text not null, \`created_at\` datetime not null, constraint \`alert_firing_alert_id_foreign\` foreign key(\`alert_id\`) references \`kpi_alert\`(\`id\`) on delete cascade on update cascade, constraint \`alert_firing_run_id_foreign\` foreign key(\`run_id\`) references \`run\`(\`id\`) on update cascade, constraint \`alert_firing_scoring_id_foreign\` foreign key(\`scoring_id\`) references \`scoring\`(\`id\`) on delete set null on update cascade, primary key (\`id\`));`,
    );
    this.addSql(
      `insert into \`alert_firing__temp_alter\` select \`id\`, \`alert_id\`, \`run_id\`, null, \`run_id\`, \`segments\`, \`event_id\`, \`created_at\` from \`alert_firing\`;`,
    );
    this.addSql(`drop table \`alert_firing\`;`);
    this.addSql(`alter table \`alert_firing__temp_alter\` rename to \`alert_firing\`;`);
    this.addSql(`create index \`alert_firing_alert_id_index\` on \`alert_firing\` (\`alert_id\`);`);
    this.addSql(`create index \`alert_firing_run_id_index\` on \`alert_firing\` (\`run_id\`);`);
    this.addSql(`create index \`alert_firing_scoring_id_index\` on \`alert_firing\` (\`scoring_id\`);`);
    this.addSql(
      `create unique index \`alert_firing_alert_id_source_unique\` on \`alert_firing\` (\`alert_id\`, \`source\`);`,
    );
  }
}
