import { Entity, Index, ManyToOne, PrimaryKey, Property } from '@mikro-orm/core';
import { Run } from './run.entity';

/**
 * Customer → segment of one run, so "which segment was customer X in, run after run" is one query.
 * Written in bulk (see AssignmentsRepository in services), never one entity at a time.
 */
@Entity({ tableName: 'assignment' })
@Index({ properties: ['customerId'] })
export class Assignment {
  // No index of its own (MikroORM gives SQLite one per foreign key): the primary key (run, customer) serves every
  // query by run, and a million-row write would keep a second B-tree of the same order.
  @ManyToOne({ entity: () => Run, primary: true, deleteRule: 'cascade', index: false })
  run!: Run;

  @PrimaryKey({ type: 'string', length: 255 })
  customerId!: string;

  @Property({ type: 'integer' })
  segmentKey!: number;

  /** Model score (e.g. churn probability) where the model has one. */
  @Property({ type: 'double', runtimeType: 'number', nullable: true })
  score?: number | null;
}
