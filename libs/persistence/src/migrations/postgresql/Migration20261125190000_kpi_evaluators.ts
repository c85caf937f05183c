import { Migration } from '@mikro-orm/migrations';

export class Migration20261125190000_kpi_evaluators extends Migration {
  override async up(): Promise<void> {
    this.addSql(`alter table "segmentation" add column "kpis" jsonb null;`);

    this.addSql(
      `alter table "kpi_value" add column "interval_method" varchar(255) null, add column "window" jsonb null, add column "evaluator" varchar(128) null;`,
    );
  }

  override async down(): Promise<void> {
    this.addSql(
      `alter table "kpi_value" drop column "interval_method", drop column "window", drop column "evaluator";`,
    );

    this.addSql(`alter table "segmentation" drop column "kpis";`);
  }
}
