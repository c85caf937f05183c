import { randomUUID } from 'node:crypto';
import { Entity, OptionalProps, PrimaryKey, Property, Unique } from '@mikro-orm/core';

/** One version of one plugin this workbench has registered: where it was loaded from and what it declared. */
@Entity({ tableName: 'plugin_record' })
@Unique({ properties: ['name', 'version'] })
export class PluginRecord {
  [OptionalProps]?: 'enabled' | 'registeredAt';

  @PrimaryKey({ type: 'string', length: 36 })
  id: string = randomUUID();

  @Property({ type: 'string', length: 64 })
  name!: string;

  @Property({ type: 'string', length: 64 })
  version!: string;

  /** segmenter | predictor | kpi */
  @Property({ type: 'string', length: 16 })
  kind!: string;

  /** `builtin`, a folder path or an npm package name: where workers load it from. */
  @Property({ type: 'string', length: 1000 })
  source!: string;

  /** Manifest snapshot: description, sdk range, requirements and the params JSON schema. */
  @Property({ type: 'json' })
  manifest!: Record<string, unknown>;

  @Property({ type: 'boolean', default: true })
  enabled = true;

  /** API key name (or `cli`) that registered it. */
  @Property({ type: 'string', length: 255 })
  registeredBy!: string;

  @Property({ type: 'datetime' })
  registeredAt: Date = new Date();

  /** Who disabled it and when: a disabled version is not loaded at start and refused for new runs. */
  @Property({ type: 'string', length: 255, nullable: true })
  disabledBy?: string | null;

  @Property({ type: 'datetime', nullable: true })
  disabledAt?: Date | null;
}
