import { randomUUID } from 'node:crypto';
import { Entity, OptionalProps, ManyToOne, PrimaryKey, Property, Unique } from '@mikro-orm/core';
import { Run } from './run.entity';
import { Segmentation } from './segmentation.entity';

/** A named pointer such as `champion` or `candidate` from a segmentation to one of its runs; moved explicitly. */
@Entity({ tableName: 'alias' })
@Unique({ properties: ['segmentation', 'name'] })
export class Alias {
  [OptionalProps]?: 'updatedAt';

  @PrimaryKey({ type: 'string', length: 36 })
  id: string = randomUUID();

  @ManyToOne({ entity: () => Segmentation })
  segmentation!: Segmentation;

  @Property({ type: 'string', length: 64 })
  name!: string;

  @ManyToOne({ entity: () => Run })
  run!: Run;

  @Property({ type: 'datetime' })
  updatedAt: Date = new Date();

  /** Name of the API key (or `cli`) that moved it last. */
  @Property({ type: 'string', length: 255 })
  updatedBy!: string;
}
