import { existsSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { MikroORM } from '@mikro-orm/core';
import { PluginRegistry, type PluginInfo } from '@workbench/engine';
import { PluginRecord } from '@workbench/persistence';
import { paramsJsonSchema, PluginDefinitionError, type KpiEvaluator, type SegmentationModel, type WorkbenchPlugin } from '@workbench/plugin-sdk';
import { ConflictError, InvalidRequestError } from './errors';
import type { WorkbenchLogger } from './logger';

export interface PluginListing extends PluginInfo {
  paramsSchema: Record<string, unknown>;
  registeredBy: string;
  registeredAt: Date | null;
}

/** The counts the workbench stores for every run, whatever its KPI evaluators. */
const HOST_KPI_DEFINITIONS: Record<string, { title: string; definition: string; higherIsBetter: boolean }> = {
  customers: { title: 'Customers', definition: 'Customers the model put in the segment (all customers of the run for the overall row).', higherIsBetter: true },
  customer_share: { title: 'Share of customers', definition: "The segment's customers divided by all customers of the run.", higherIsBetter: true },
  revenue_share: { title: 'Share of revenue', definition: "The segment's sum of the dataset's revenue column divided by its total over all customers.", higherIsBetter: true },
};

/** A folder (its package.json `main`, else src/index.ts, index.ts or index.js) or an installed package name. */
function resolveSource(source: string): string {
  const path = resolve(source);
  if (!existsSync(path)) return source; // an npm package name, resolved by require
  if (!statSync(path).isDirectory()) return path;
  const pkg = join(path, 'package.json');
  if (existsSync(pkg)) {
    const main = (require(pkg) as { main?: string }).main;
    if (main) return join(path, main);
  }
  const entry = ['src/index.ts', 'index.ts', 'index.js'].map((f) => join(path, f)).find((f) => existsSync(f));
  if (!entry) throw new InvalidRequestError(`folder '${source}' has no package.json main, src/index.ts, index.ts or index.js to load`);
  return entry;
}

/** Loads the module at `source` and returns its default export; every failure names the source. */
export function loadPluginModule(source: string): unknown {
  const target = resolveSource(source);
  let loaded: { default?: unknown } | undefined;
  try {
    loaded = require(target) as { default?: unknown };
  } catch (e) {
    throw new InvalidRequestError(`cannot load a plugin from '${source}': ${(e as Error).message.split('\n')[0]}`);
  }
  return loaded && typeof loaded === 'object' && 'default' in loaded ? loaded.default : loaded;
}

/**
 * The plugins of this workbench: the shipped ones, and external ones a data scientist registered at
 * run time (`POST /plugins`, `workbench plugins add`). Every registered version is recorded, so
 * every process (API and workers, on any machine) loads the same plugins.
 */
export class PluginsService {
  constructor(
    private readonly orm: MikroORM,
    readonly registry: PluginRegistry,
    private readonly logger: WorkbenchLogger,
  ) {}

  /** Registers the shipped plugins and records their versions. */
  async registerBuiltins(plugins: readonly WorkbenchPlugin[], record: boolean): Promise<void> {
    for (const plugin of plugins) {
      this.registry.register(plugin, 'builtin');
      if (record) await this.record(plugin, 'builtin', 'builtin');
    }
  }

  /** Loads the recorded external plugins this process does not have yet; a broken one is logged and skipped. */
  async loadRecorded(): Promise<void> {
    const records = await this.orm.em.fork().find(PluginRecord, { enabled: true, source: { $ne: 'builtin' } }, { orderBy: { registeredAt: 'asc' } });
    for (const record of records) {
      if (this.registry.has(record.name)) continue;
      try {
        this.registry.register(loadPluginModule(record.source), record.source);
      } catch (e) {
        this.logger.warn(`plugin '${record.name}' from '${record.source}' was not loaded: ${(e as Error).message}`);
      }
    }
  }

  /** Registers an external plugin from a folder or package; refuses a taken name, a bad manifest or an incompatible SDK. */
  async add(source: string, registeredBy: string): Promise<PluginListing> {
    if (source.trim() === '') throw new InvalidRequestError('source: give a plugin folder path or an installed npm package name');
    const candidate = loadPluginModule(source);
    const name = (candidate as { manifest?: { name?: unknown } } | null)?.manifest?.name;
    if (typeof name === 'string' && this.registry.has(name)) {
      const existing = this.registry.info(name);
      throw new ConflictError(`a plugin named '${name}' is already registered (version ${existing.version} from ${existing.source}); give yours another name`);
    }
    const info = this.registry.register(candidate, source);
    await this.record(this.registry.get(info.name), source, registeredBy);
    return (await this.list()).find((p) => p.name === info.name) as PluginListing;
  }

  /** The segmentation model called `name`, loading recorded plugins first when this process lacks it. */
  async segmentationModel(name: string): Promise<SegmentationModel> {
    if (!this.registry.has(name)) await this.loadRecorded();
    return this.registry.segmentationModel(name);
  }

  /** The KPI evaluator called `name`, loading recorded plugins first when this process lacks it. */
  async kpiEvaluator(name: string): Promise<KpiEvaluator> {
    if (!this.registry.has(name)) await this.loadRecorded();
    return this.registry.kpiEvaluator(name);
  }

  /**
   * What a stored KPI value means: the definition its evaluator's manifest gives (evaluator `name@version`),
   * or the workbench's own for the counts every run stores.
   */
  kpiDefinition(evaluator: string | null | undefined, kpi: string): { title: string; definition: string; higherIsBetter: boolean } | null {
    if (!evaluator) return HOST_KPI_DEFINITIONS[kpi] ?? null;
    const name = evaluator.slice(0, evaluator.lastIndexOf('@'));
    if (!this.registry.has(name)) return null;
    const plugin = this.registry.get(name);
    if (plugin.manifest.kind !== 'kpi') return null;
    const found = plugin.manifest.kpis.find((k) => k.key === kpi);
    return found ? { title: found.title, definition: found.definition, higherIsBetter: found.higherIsBetter } : null;
  }

  async list(): Promise<PluginListing[]> {
    await this.loadRecorded();
    const records = await this.orm.em.fork().find(PluginRecord, {});
    return this.registry.list().map((info) => {
      const record = records.find((r) => r.name === info.name && r.version === info.version);
      return {
        ...info,
        paramsSchema: paramsJsonSchema(this.registry.get(info.name).manifest.params) as unknown as Record<string, unknown>,
        registeredBy: record?.registeredBy ?? 'builtin',
        registeredAt: record?.registeredAt ?? null,
      };
    });
  }

  private async record(plugin: WorkbenchPlugin, source: string, registeredBy: string): Promise<void> {
    const { name, version, kind, description, sdk, requires, params } = plugin.manifest;
    const em = this.orm.em.fork();
    const existing = await em.findOne(PluginRecord, { name, version });
    const manifest = { description, sdk, requires, paramsSchema: paramsJsonSchema(params) };
    if (existing) {
      if (existing.source !== source && source !== 'builtin') {
        throw new PluginDefinitionError(name, [`version ${version} is already recorded from '${existing.source}'; bump the plugin's version`]);
      }
      Object.assign(existing, { manifest, enabled: true });
    } else {
      em.create(PluginRecord, { name, version, kind, source, manifest, registeredBy });
    }
    await em.flush();
  }
}
