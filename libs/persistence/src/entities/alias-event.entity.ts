import { randomUUID } from 'node:crypto';
import { Entity, OptionalProps, Index, ManyToOne, PrimaryKey, Property } from '@mikro-orm/core';
import { Run } from './run.entity';
import { Segmentation } from './segmentation.entity';

/** Audit record of one alias move: who pointed which alias from which run to which, and when. Never changed. */
@Entity({ tableName: 'alias_event' })
@Index({ properties: ['segmentation', 'name'] })
export class AliasEvent {
  [OptionalProps]?: 'movedAt';

  @PrimaryKey({ type: 'string', length: 36 })
  id: string = randomUUID();

  @ManyToOne({ entity: () => Segmentation })
  segmentation!: Segmentation;

  @Property({ type: 'string', length: 64 })
  name!: string;

  @ManyToOne({ entity: () => Run, nullable: true })
  fromRun?: Run | null;

  @ManyToOne({ entity: () => Run })
  toRun!: Run;

  @Property({ type: 'string', length: 255 })
  movedBy!: string;

  @Property({ type: 'datetime' })
  movedAt: Date = new Date();
}
