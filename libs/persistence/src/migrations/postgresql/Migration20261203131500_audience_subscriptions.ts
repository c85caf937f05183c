import { Migration } from '@mikro-orm/migrations';

export class Migration20261203131500_audience_subscriptions extends Migration {
  override async up(): Promise<void> {
    this.addSql(
      `create table "audience_subscription" ("id" varchar(36) not null, "segmentation_id" varchar(36) not null, "webhook_url" text not null, "chunk_size" int not null, "created_by" varchar(255) not null, "created_at" timestamptz not null, constraint "audience_subscription_pkey" primary key ("id"));`,
    );

    this.addSql(
      `alter table "audience_subscription" add constraint "audience_subscription_segmentation_id_foreign" foreign key ("segmentation_id") references "segmentation" ("id") on update cascade;`,
    );
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists "audience_subscription" cascade;`);
  }
}
