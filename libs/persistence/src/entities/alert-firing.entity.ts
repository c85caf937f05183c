import { randomUUID } from 'node:crypto';
import { Entity, ManyToOne, OptionalProps, PrimaryKey, Property, Unique } from '@mikro-orm/core';
import { KpiAlert } from './kpi-alert.entity';
import { Run } from './run.entity';
import { Scoring } from './scoring.entity';

/**
 * An alert fired by a run or by a scoring with a run's model: one per alert and source (unique), written in
 * the run's results transaction or the scoring's.
 */
@Entity({ tableName: 'alert_firing' })
@Unique({ properties: ['alert', 'source'] })
export class AlertFiring {
  [OptionalProps]?: 'createdAt';

  @PrimaryKey({ type: 'string', length: 36 })
  id: string = randomUUID();

  @ManyToOne({ entity: () => KpiAlert, deleteRule: 'cascade' })
  alert!: KpiAlert;

  /** The run whose KPIs fired it, or whose model the firing scoring used. */
  @ManyToOne({ entity: () => Run })
  run!: Run;

  /** The scoring whose customers' KPIs fired it; null for a run's firing. */
  @ManyToOne({ entity: () => Scoring, nullable: true })
  scoring?: Scoring | null;

  /** The id of what fired it (the scoring's, else the run's), so each fires an alert at most once. */
  @Property({ type: 'string', length: 36 })
  source!: string;

  /** The segments for which the rule held, with the KPI values it read: `[{ key, label, values }]`. */
  @Property({ type: 'json' })
  segments!: { key: number; label: string; values: Record<string, number | null> }[];

  /** The event that carries it to the webhook and the events list. */
  @Property({ type: 'string', length: 36 })
  eventId!: string;

  @Property({ type: 'datetime' })
  createdAt: Date = new Date();
}
