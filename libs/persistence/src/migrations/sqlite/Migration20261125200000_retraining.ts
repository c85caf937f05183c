import { Migration } from '@mikro-orm/migrations';

export class Migration20261125200000_retraining extends Migration {
  override async up(): Promise<void> {
    this.addSql(
      `create table \`retrain_policy\` (\`id\` text not null, \`segmentation_id\` text not null, \`trigger\` text not null, \`cron\` text null, \`rule\` text not null, \`webhook_url\` text null, \`enabled\` integer not null default true, \`created_by\` text not null, \`created_at\` datetime not null, constraint \`retrain_policy_segmentation_id_foreign\` foreign key(\`segmentation_id\`) references \`segmentation\`(\`id\`) on update cascade, primary key (\`id\`));`,
    );
    this.addSql(`create index \`retrain_policy_segmentation_id_index\` on \`retrain_policy\` (\`segmentation_id\`);`);

    this.addSql(
      `create table \`retrain_request\` (\`id\` text not null, \`policy_id\` text not null, \`trigger_key\` text not null, \`dataset_version_id\` text not null, \`status\` text not null default 'queued', \`run_id\` text null, \`champion_id\` text null, \`outcome\` json null, \`drift\` json null, \`attempts\` integer not null default 0, \`error\` text null, \`created_at\` datetime not null, \`finished_at\` datetime null, constraint \`retrain_request_policy_id_foreign\` foreign key(\`policy_id\`) references \`retrain_policy\`(\`id\`) on update cascade, constraint \`retrain_request_dataset_version_id_foreign\` foreign key(\`dataset_version_id\`) references \`dataset_version\`(\`id\`) on update cascade, constraint \`retrain_request_run_id_foreign\` foreign key(\`run_id\`) references \`run\`(\`id\`) on delete set null on update cascade, constraint \`retrain_request_champion_id_foreign\` foreign key(\`champion_id\`) references \`run\`(\`id\`) on delete set null on update cascade, primary key (\`id\`));`,
    );
    this.addSql(`create index \`retrain_request_policy_id_index\` on \`retrain_request\` (\`policy_id\`);`);
    this.addSql(
      `create index \`retrain_request_dataset_version_id_index\` on \`retrain_request\` (\`dataset_version_id\`);`,
    );
    this.addSql(`create index \`retrain_request_run_id_index\` on \`retrain_request\` (\`run_id\`);`);
    this.addSql(`create index \`retrain_request_champion_id_index\` on \`retrain_request\` (\`champion_id\`);`);
    this.addSql(
      `create unique index \`retrain_request_policy_id_trigger_key_unique\` on \`retrain_request\` (\`policy_id\`, \`trigger_key\`);`,
    );

    this.addSql(
      `create table \`workbench_event\` (\`id\` text not null, \`kind\` text not null, \`segmentation\` text not null, \`policy_id\` text null, \`request_id\` text null, \`run_id\` text null, \`message\` text not null, \`details\` json not null, \`webhook_status\` text not null default 'none', \`webhook_attempts\` integer not null default 0, \`created_at\` datetime not null, primary key (\`id\`));`,
    );
    this.addSql(`create unique index \`workbench_event_request_id_unique\` on \`workbench_event\` (\`request_id\`);`);
    this.addSql(`create index \`workbench_event_created_at_index\` on \`workbench_event\` (\`created_at\`);`);
  }
}
