import { randomUUID } from 'node:crypto';
import { Entity, ManyToOne, PrimaryKey, Property, Unique } from '@mikro-orm/core';
import { Run } from './run.entity';

/** One segment found by a {@link Run}: its size and profile (per-feature summary). */
@Entity({ tableName: 'segment' })
@Unique({ properties: ['run', 'key'] })
export class Segment {
  @PrimaryKey({ type: 'string', length: 36 })
  id: string = randomUUID();

  @ManyToOne({ entity: () => Run, deleteRule: 'cascade' })
  run!: Run;

  /** The segment number assigned by the plugin, stable within a run. */
  @Property({ type: 'integer' })
  key!: number;

  @Property({ type: 'string', length: 255 })
  label!: string;

  @Property({ type: 'integer' })
  size!: number;

  /** size / total rows, 0 to 1. */
  @Property({ type: 'double', runtimeType: 'number' })
  share!: number;

  @Property({ type: 'json' })
  profile!: Record<string, unknown>;
}
