import { Migration } from '@mikro-orm/migrations';

export class Migration20261203184941_assignment_run_index extends Migration {
  // The primary key (run_id, customer_id) already orders the rows by run: this index only doubled every write.
  override async up(): Promise<void> {
    this.addSql(`drop index \`assignment_run_id_index\`;`);
  }
}
