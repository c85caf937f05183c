import { Migration } from '@mikro-orm/migrations';

export class Migration20261125170000_versions_and_comparisons extends Migration {
  override async up(): Promise<void> {
    this.addSql(
      `create table \`comparison\` (\`id\` text not null, \`run_a_id\` text not null, \`run_b_id\` text not null, \`status\` text not null default 'queued', \`attempts\` integer not null default 0, \`error\` text null, \`metrics\` json null, \`migration\` json null, \`matching\` json null, \`created_at\` datetime not null, \`finished_at\` datetime null, constraint \`comparison_run_a_id_foreign\` foreign key(\`run_a_id\`) references \`run\`(\`id\`) on update cascade, constraint \`comparison_run_b_id_foreign\` foreign key(\`run_b_id\`) references \`run\`(\`id\`) on update cascade, primary key (\`id\`));`,
    );
    this.addSql(`create index \`comparison_run_a_id_index\` on \`comparison\` (\`run_a_id\`);`);
    this.addSql(`create index \`comparison_run_b_id_index\` on \`comparison\` (\`run_b_id\`);`);
    this.addSql(`create index \`comparison_run_a_id_run_b_id_index\` on \`comparison\` (\`run_a_id\`, \`run_b_id\`);`);

    this.addSql(
      `create table \`assignment\` (\`run_id\` text not null, \`customer_id\` text not null, \`segment_key\` integer not null, \`score\` double null, constraint \`assignment_run_id_foreign\` foreign key(\`run_id\`) references \`run\`(\`id\`) on delete cascade on update cascade, primary key (\`run_id\`, \`customer_id\`));`,
    );
    this.addSql(`create index \`assignment_run_id_index\` on \`assignment\` (\`run_id\`);`);
    this.addSql(`create index \`assignment_customer_id_index\` on \`assignment\` (\`customer_id\`);`);

    this.addSql(
      `create table \`alias_event\` (\`id\` text not null, \`segmentation_id\` text not null, \`name\` text not null, \`from_run_id\` text null, \`to_run_id\` text not null, \`moved_by\` text not null, \`moved_at\` datetime not null, constraint \`alias_event_segmentation_id_foreign\` foreign key(\`segmentation_id\`) references \`segmentation\`(\`id\`) on update cascade, constraint \`alias_event_from_run_id_foreign\` foreign key(\`from_run_id\`) references \`run\`(\`id\`) on delete set null on update cascade, constraint \`alias_event_to_run_id_foreign\` foreign key(\`to_run_id\`) references \`run\`(\`id\`) on update cascade, primary key (\`id\`));`,
    );
    this.addSql(`create index \`alias_event_segmentation_id_index\` on \`alias_event\` (\`segmentation_id\`);`);
    this.addSql(`create index \`alias_event_from_run_id_index\` on \`alias_event\` (\`from_run_id\`);`);
    this.addSql(`create index \`alias_event_to_run_id_index\` on \`alias_event\` (\`to_run_id\`);`);
    this.addSql(
      `create index \`alias_event_segmentation_id_name_index\` on \`alias_event\` (\`segmentation_id\`, \`name\`);`,
    );

    this.addSql(
      `create table \`alias\` (\`id\` text not null, \`segmentation_id\` text not null, \`name\` text not null, \`run_id\` text not null, \`updated_at\` datetime not null, \`updated_by\` text not null, constraint \`alias_segmentation_id_foreign\` foreign key(\`segmentation_id\`) references \`segmentation\`(\`id\`) on update cascade, constraint \`alias_run_id_foreign\` foreign key(\`run_id\`) references \`run\`(\`id\`) on update cascade, primary key (\`id\`));`,
    );
    this.addSql(`create index \`alias_segmentation_id_index\` on \`alias\` (\`segmentation_id\`);`);
    this.addSql(`create index \`alias_run_id_index\` on \`alias\` (\`run_id\`);`);
    this.addSql(
      `create unique index \`alias_segmentation_id_name_unique\` on \`alias\` (\`segmentation_id\`, \`name\`);`,
    );

    this.addSql(`alter table \`run\` add column \`feature_set\` text null;`);
    this.addSql(`alter table \`run\` add column \`workbench_version\` text null;`);
  }
}
