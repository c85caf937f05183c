import type { Alias, AliasEvent } from '@workbench/persistence';

export interface AliasView {
  name: string;
  run: { id: string; version: number };
  updatedAt: Date;
  updatedBy: string;
}

export interface AliasEventView {
  name: string;
  fromVersion: number | null;
  toVersion: number;
  movedBy: string;
  movedAt: Date;
}

export function aliasView(a: Alias): AliasView {
  return {
    name: a.name,
    run: { id: a.run.id, version: a.run.version },
    updatedAt: a.updatedAt,
    updatedBy: a.updatedBy,
  };
}

export function aliasEventView(e: AliasEvent): AliasEventView {
  return {
    name: e.name,
    fromVersion: e.fromRun?.version ?? null,
    toVersion: e.toRun.version,
    movedBy: e.movedBy,
    movedAt: e.movedAt,
  };
}
