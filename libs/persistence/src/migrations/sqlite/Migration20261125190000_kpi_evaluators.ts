import { Migration } from '@mikro-orm/migrations';

export class Migration20261125190000_kpi_evaluators extends Migration {
  override async up(): Promise<void> {
    this.addSql(`alter table \`segmentation\` add column \`kpis\` json null;`);

    this.addSql(`alter table \`kpi_value\` add column \`interval_method\` text null;`);
    this.addSql(`alter table \`kpi_value\` add column \`window\` json null;`);
    this.addSql(`alter table \`kpi_value\` add column \`evaluator\` text null;`);
  }
}
