import { Migration } from '@mikro-orm/migrations';

export class Migration20261203131500_audience_subscriptions extends Migration {
  override async up(): Promise<void> {
    this.addSql(
      `create table \`audience_subscription\` (\`id\` text not null, \`segmentation_id\` text not null, \`webhook_url\` text not null, \`chunk_size\` integer not null, \`created_by\` text not null, \`created_at\` datetime not null, constraint \`audience_subscription_segmentation_id_foreign\` foreign key(\`segmentation_id\`) references \`segmentation\`(\`id\`) on update cascade, primary key (\`id\`));`,
    );
    this.addSql(
      `create index \`audience_subscription_segmentation_id_index\` on \`audience_subscription\` (\`segmentation_id\`);`,
    );
  }
}
