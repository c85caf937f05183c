import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { MikroORM } from '@mikro-orm/core';
import { PluginRegistry, type PluginInfo } from '@workbench/engine';
import { PluginRecord } from '@workbench/persistence';
import {
  paramsJsonSchema,
  PluginDefinitionError,
  type KpiEvaluator,
  type SegmentationModel,
  type WorkbenchPlugin,
} from '@workbench/plugin-sdk';
import { ConflictError, InvalidRequestError, NotFoundError } from './errors';
import type { WorkbenchLogger } from './logger';
import { checkPluginSource, DEFAULT_PLUGIN_POLICY, probePlugin, type PluginSourcePolicy } from './plugin-sources';

export interface PluginListing extends PluginInfo {
  paramsSchema: Record<string, unknown>;
  registeredBy: string;
  registeredAt: Date | null;
  /** False once an admin disabled this version: no new runs, and processes no longer load it at start. */
  enabled: boolean;
  disabledBy: string | null;
  disabledAt: Date | null;
}

/** A plugin's README as the API serves it (markdown; null when the plugin has none). */
export interface PluginReadme {
  name: string;
  version: string;
  readme: string | null;
}

/** The file names a plugin folder's README may have, in the order they are looked for. */
const README_NAMES = ['README.md', 'readme.md', 'README.markdown', 'README'];
/** READMEs are read whole into a response: a bigger one is cut here, saying so. */
const MAX_README_BYTES = 256 * 1024;

/** The counts the workbench stores for every run, whatever its KPI evaluators. */
const HOST_KPI_DEFINITIONS: Record<string, { title: string; definition: string; higherIsBetter: boolean }> = {
  customers: {
    title: 'Customers',
    definition: 'Customers the model put in the segment (all customers of the run for the overall row).',
    higherIsBetter: true,
  },
  customer_share: {
    title: 'Share of customers',
    definition: "The segment's customers divided by all customers of the run.",
    higherIsBetter: true,
  },
  revenue_share: {
    title: 'Share of revenue',
    definition: "The segment's sum of the dataset's revenue column divided by its total over all customers.",
    higherIsBetter: true,
  },
};

/** Loads a checked plugin module in this process and returns its default export; a failure names the source. */
function loadPluginModule(entry: string, source: string): unknown {
  let loaded: { default?: unknown } | undefined;
  try {
    loaded = require(entry) as { default?: unknown };
  } catch (e) {
    throw new InvalidRequestError(`cannot load a plugin from '${source}': ${(e as Error).message.split('\n')[0]}`);
  }
  return loaded && typeof loaded === 'object' && 'default' in loaded ? loaded.default : loaded;
}

/**
 * The plugins of this workbench: the shipped ones, and external ones an admin registered at run time
 * (`POST /plugins`, `workbench plugins add`). A plugin is code that runs with the worker's rights, so
 * its source must be an installed npm package or a folder in an allowed folder (WORKBENCH_PLUGIN_DIRS),
 * checked before any of it runs and loaded in a child process first. Every registered version is
 * recorded (who, when, from where; who disabled it), so every process loads the same plugins.
 */
export class PluginsService {
  constructor(
    private readonly orm: MikroORM,
    readonly registry: PluginRegistry,
    private readonly logger: WorkbenchLogger,
    private readonly policy: PluginSourcePolicy = DEFAULT_PLUGIN_POLICY,
    /** The module that exports the plugins registered as 'builtin' (the apps' shipped list), for loading them in a sandbox. */
    private readonly builtinModule?: string,
  ) {}

  /**
   * The module file a sandbox thread loads `name` from: a shipped plugin's own module when the shipped plugins' module
   * lists it in `BUILTIN_PLUGIN_MODULES` (name → file), else that whole module; or the checked entry of the
   * registered folder or package. Undefined when the plugin exists only as an object in this process.
   */
  moduleOf(name: string): string | undefined {
    if (this.registry.info(name).source !== 'builtin') return this.entries.get(name);
    return this.shipped('BUILTIN_PLUGIN_MODULES')?.[name] ?? this.builtinModule;
  }

  /** A by-name list the shipped plugins' module exports beside them (it is loaded already: it gave their objects). */
  private shipped(list: 'BUILTIN_PLUGIN_MODULES' | 'BUILTIN_PLUGIN_READMES'): Record<string, string> | undefined {
    return this.builtinModule
      ? (require(this.builtinModule) as Partial<Record<typeof list, Record<string, string>>>)[list]
      : undefined;
  }

  /** The modules a sandbox loads these plugins from; undefined when one exists only in this process (then they run here). */
  sandboxModules(names: readonly string[]): string[] | undefined {
    const modules = names.map((name) => this.moduleOf(name));
    return modules.every((m): m is string => m !== undefined) ? [...new Set(modules)] : undefined;
  }

  /** The checked module file of each external plugin this process loaded, by plugin name. */
  private readonly entries = new Map<string, string>();
  /** The checked folder of each external plugin this process loaded, by plugin name (for its README). */
  private readonly folders = new Map<string, string>();

  /** Registers the shipped plugins and records their versions. */
  async registerBuiltins(plugins: readonly WorkbenchPlugin[], record: boolean): Promise<void> {
    for (const plugin of plugins) {
      this.registry.register(plugin, 'builtin');
      if (record) await this.record(plugin, 'builtin', 'builtin');
    }
  }

  /** Loads the enabled recorded external plugins this process does not have yet; a broken one is logged and skipped. */
  async loadRecorded(): Promise<void> {
    const records = await this.orm.em
      .fork()
      .find(PluginRecord, { enabled: true, source: { $ne: 'builtin' } }, { orderBy: { registeredAt: 'asc' } });
    for (const record of records) {
      if (this.registry.has(record.name)) continue;
      try {
        await this.loadChecked(record.source);
      } catch (e) {
        this.logger.warn(`plugin '${record.name}' from '${record.source}' was not loaded: ${(e as Error).message}`);
      }
    }
  }

  /** Checks the source, loads it in a child process, then in this one; returns what it registered. */
  private async loadChecked(source: string, beforeRegister?: (name: string) => void): Promise<PluginInfo> {
    const checked = checkPluginSource(source, this.policy);
    const probed = await probePlugin(checked, source, this.policy.loadTimeoutMs);
    beforeRegister?.(probed.name);
    const info = this.registry.register(loadPluginModule(checked.entry, source), source);
    this.entries.set(info.name, checked.entry);
    this.folders.set(info.name, checked.dir);
    return info;
  }

  /**
   * Registers an external plugin from an allowed folder or an installed npm package; refuses a source
   * outside those, a special or oversized folder, a module that fails to load, a taken name, a bad
   * manifest or an incompatible SDK.
   */
  async add(source: string, registeredBy: string): Promise<PluginListing> {
    source = source.trim();
    if (source === '')
      throw new InvalidRequestError('source: give a plugin folder path or an installed npm package name');
    const info = await this.loadChecked(source, (name) => {
      if (!this.registry.has(name)) return;
      const existing = this.registry.info(name);
      throw new ConflictError(
        `a plugin named '${name}' is already registered (version ${existing.version} from ${existing.source}); give yours another name`,
      );
    });
    try {
      await this.record(this.registry.get(info.name), source, registeredBy);
    } catch (e) {
      this.registry.unregister(info.name);
      throw e;
    }
    this.logger.log(`plugin ${info.name}@${info.version} registered from '${source}' by ${registeredBy}`);
    return (await this.list()).find((p) => p.name === info.name) as PluginListing;
  }

  /**
   * Disables one recorded version (`name@version`) of an external plugin: no new runs may use it and
   * no process loads it at its next start; the record keeps who did it and when.
   */
  async disable(ref: string, disabledBy: string): Promise<PluginListing> {
    const at = ref.lastIndexOf('@');
    const [name, version] = at > 0 ? [ref.slice(0, at), ref.slice(at + 1)] : [ref, ''];
    if (!name || !version)
      throw new InvalidRequestError(`'${ref}' must name a plugin version as <name>@<version>, e.g. my-model@1.2.0`);
    const em = this.orm.em.fork();
    const record = await em.findOne(PluginRecord, { name, version });
    if (!record) throw new NotFoundError(`no plugin ${name}@${version} is registered`);
    if (record.source === 'builtin')
      throw new InvalidRequestError(`${name}@${version} is shipped with the workbench and cannot be disabled`);
    if (record.enabled) {
      Object.assign(record, { enabled: false, disabledBy, disabledAt: new Date() });
      await em.flush();
      this.logger.log(`plugin ${name}@${version} disabled by ${disabledBy}`);
    }
    if (this.registry.has(name) && this.registry.info(name).version === version) this.registry.unregister(name);
    return this.listing(record);
  }

  /** Refuses a plugin version an admin disabled (checked in the database, so it holds on every process). */
  async assertEnabled(name: string, version: string): Promise<void> {
    const record = await this.orm.em.fork().findOne(PluginRecord, { name, version });
    if (record && !record.enabled) {
      throw new InvalidRequestError(
        `plugin ${name}@${version} was disabled by ${record.disabledBy ?? 'an admin'}${record.disabledAt ? ` on ${record.disabledAt.toISOString()}` : ''}; it takes no new runs`,
      );
    }
  }

  /** The segmentation model called `name`, loading recorded plugins first when this process lacks it. */
  async segmentationModel(name: string): Promise<SegmentationModel> {
    await this.ensureLoaded(name);
    return this.registry.segmentationModel(name);
  }

  /** The KPI evaluator called `name`, loading recorded plugins first when this process lacks it. */
  async kpiEvaluator(name: string): Promise<KpiEvaluator> {
    await this.ensureLoaded(name);
    return this.registry.kpiEvaluator(name);
  }

  /** Loads recorded plugins when this process lacks `name`; a plugin an admin disabled is refused with that reason. */
  private async ensureLoaded(name: string): Promise<void> {
    if (this.registry.has(name)) return;
    await this.loadRecorded();
    if (this.registry.has(name)) return;
    const disabled = await this.orm.em
      .fork()
      .findOne(PluginRecord, { name, enabled: false }, { orderBy: { disabledAt: 'desc' } });
    if (disabled) await this.assertEnabled(name, disabled.version);
  }

  /**
   * What a stored KPI value means: the definition its evaluator's manifest gives (evaluator `name@version`),
   * or the workbench's own for the counts every run stores.
   */
  kpiDefinition(
    evaluator: string | null | undefined,
    kpi: string,
  ): { title: string; definition: string; higherIsBetter: boolean } | null {
    if (!evaluator) return HOST_KPI_DEFINITIONS[kpi] ?? null;
    const name = evaluator.slice(0, evaluator.lastIndexOf('@'));
    if (!this.registry.has(name)) return null;
    const plugin = this.registry.get(name);
    if (plugin.manifest.kind !== 'kpi') return null;
    const found = plugin.manifest.kpis.find((k) => k.key === kpi);
    return found ? { title: found.title, definition: found.definition, higherIsBetter: found.higherIsBetter } : null;
  }

  /** The KPI keys of an evaluator (`name@version` or `name`) in its manifest's order; empty when it is not registered here. */
  kpiKeys(evaluator: string): string[] {
    const name = evaluator.includes('@') ? evaluator.slice(0, evaluator.lastIndexOf('@')) : evaluator;
    if (!this.registry.has(name)) return [];
    const plugin = this.registry.get(name);
    return plugin.manifest.kind === 'kpi' ? plugin.manifest.kpis.map((k) => k.key) : [];
  }

  /**
   * The README of a plugin this process can run: an external plugin's folder's README.md, or a shipped
   * plugin's, which the shipped plugins' module lists as `BUILTIN_PLUGIN_READMES` (name → file).
   */
  async readme(name: string): Promise<PluginReadme> {
    await this.ensureLoaded(name);
    if (!this.registry.has(name)) throw new NotFoundError(`no plugin named '${name}' is registered (see GET /plugins)`);
    const { version, source } = this.registry.info(name);
    let file: string | undefined;
    if (source === 'builtin') {
      file = this.shipped('BUILTIN_PLUGIN_READMES')?.[name];
    } else {
      const folder = this.folders.get(name);
      file = folder ? README_NAMES.map((n) => join(folder, n)).find((f) => existsSync(f)) : undefined;
    }
    if (!file || !existsSync(file) || !statSync(file).isFile()) return { name, version, readme: null };
    const bytes = readFileSync(file);
    const readme =
      bytes.length > MAX_README_BYTES
        ? `${bytes.subarray(0, MAX_README_BYTES).toString('utf8')}\n\n… (cut at ${MAX_README_BYTES / 1024} KiB)`
        : bytes.toString('utf8');
    return { name, version, readme };
  }

  /** The plugins this process can run, and the disabled recorded versions. */
  async list(): Promise<PluginListing[]> {
    await this.loadRecorded();
    const records = await this.orm.em.fork().find(PluginRecord, {});
    const listed = this.registry.list().map((info) => {
      const record = records.find((r) => r.name === info.name && r.version === info.version);
      return {
        ...info,
        paramsSchema: paramsJsonSchema(this.registry.get(info.name).manifest.params) as unknown as Record<
          string,
          unknown
        >,
        registeredBy: record?.registeredBy ?? 'builtin',
        registeredAt: record?.registeredAt ?? null,
        enabled: record?.enabled ?? true,
        disabledBy: record?.disabledBy ?? null,
        disabledAt: record?.disabledAt ?? null,
      };
    });
    const disabled = records
      .filter((r) => !r.enabled && !listed.some((l) => l.name === r.name && l.version === r.version))
      .map((r) => this.listing(r));
    return [...listed, ...disabled].sort((a, b) => a.name.localeCompare(b.name) || a.version.localeCompare(b.version));
  }

  /** A listing from the record alone (its manifest snapshot), for versions this process has not loaded. */
  private listing(record: PluginRecord): PluginListing {
    const manifest = record.manifest as { description?: string; sdk?: string; paramsSchema?: Record<string, unknown> };
    return {
      name: record.name,
      version: record.version,
      kind: record.kind as PluginInfo['kind'],
      description: manifest.description ?? '',
      sdk: manifest.sdk ?? '',
      source: record.source,
      paramsSchema: manifest.paramsSchema ?? {},
      registeredBy: record.registeredBy,
      registeredAt: record.registeredAt,
      enabled: record.enabled,
      disabledBy: record.disabledBy ?? null,
      disabledAt: record.disabledAt ?? null,
    };
  }

  private async record(plugin: WorkbenchPlugin, source: string, registeredBy: string): Promise<void> {
    const { name, version, kind, description, sdk, requires, params } = plugin.manifest;
    const em = this.orm.em.fork();
    const existing = await em.findOne(PluginRecord, { name, version });
    const manifest = { description, sdk, requires, paramsSchema: paramsJsonSchema(params) };
    if (existing) {
      if (existing.source !== source && source !== 'builtin') {
        throw new PluginDefinitionError(name, [
          `version ${version} is already recorded from '${existing.source}'; bump the plugin's version`,
        ]);
      }
      // Registering a disabled version again is an admin's explicit decision to enable it.
      Object.assign(
        existing,
        source === 'builtin'
          ? { manifest }
          : { manifest, enabled: true, disabledBy: null, disabledAt: null, registeredBy, registeredAt: new Date() },
      );
    } else {
      em.create(PluginRecord, { name, version, kind, source, manifest, registeredBy });
    }
    await em.flush();
  }
}
