import { randomUUID } from 'node:crypto';
import { Entity, ManyToOne, OptionalProps, PrimaryKey, Property, Unique } from '@mikro-orm/core';
import { KpiAlert } from './kpi-alert.entity';
import { Run } from './run.entity';

/** An alert fired by a run: one per alert and run (unique), written in the run's own results transaction. */
@Entity({ tableName: 'alert_firing' })
@Unique({ properties: ['alert', 'run'] })
export class AlertFiring {
  [OptionalProps]?: 'createdAt';

  @PrimaryKey({ type: 'string', length: 36 })
  id: string = randomUUID();

  @ManyToOne({ entity: () => KpiAlert, deleteRule: 'cascade' })
  alert!: KpiAlert;

  @ManyToOne({ entity: () => Run })
  run!: Run;

  /** The segments for which the rule held, with the KPI values it read: `[{ key, label, values }]`. */
  @Property({ type: 'json' })
  segments!: { key: number; label: string; values: Record<string, number | null> }[];

  /** The event that carries it to the webhook and the events list. */
  @Property({ type: 'string', length: 36 })
  eventId!: string;

  @Property({ type: 'datetime' })
  createdAt: Date = new Date();
}
