import * as semver from 'semver';
import {
  defineKpiEvaluator,
  defineSegmentationModel,
  PluginDefinitionError,
  SDK_VERSION,
  type KpiEvaluator,
  type SegmentationModel,
  type WorkbenchPlugin,
} from '@workbench/plugin-sdk';

export interface PluginInfo {
  name: string;
  version: string;
  kind: WorkbenchPlugin['manifest']['kind'];
  description: string;
  sdk: string;
  /** Where it came from: 'builtin', a folder or a package name. */
  source: string;
}

/** No plugin of that name is registered. */
export class UnknownPluginError extends Error {
  override readonly name = 'UnknownPluginError';
}

/**
 * The plugins this process can run. Everything registered here was checked: contract version,
 * manifest, that the plugin's SDK range includes this SDK, and that its name is not taken.
 */
export class PluginRegistry {
  private readonly plugins = new Map<string, { plugin: WorkbenchPlugin; source: string }>();

  register(candidate: unknown, source = 'builtin'): PluginInfo {
    const c = candidate as Partial<WorkbenchPlugin> | undefined;
    const label = typeof c?.manifest?.name === 'string' ? c.manifest.name : `(plugin from ${source})`;
    if (!c || typeof c !== 'object' || !c.manifest) {
      throw new PluginDefinitionError(label, [
        'the module must default-export defineSegmentationModel({...}) or defineKpiEvaluator({...})',
      ]);
    }
    const plugin = (
      c.manifest.kind === 'kpi'
        ? defineKpiEvaluator(c as KpiEvaluator)
        : defineSegmentationModel(c as SegmentationModel)
    ) as WorkbenchPlugin;
    const { name, sdk } = plugin.manifest;
    if (!semver.satisfies(SDK_VERSION, sdk)) {
      throw new PluginDefinitionError(name, [
        `it needs plugin SDK ${sdk} but this workbench has SDK ${SDK_VERSION}; rebuild it against ^${semver.major(SDK_VERSION)}.0.0`,
      ]);
    }
    const existing = this.plugins.get(name);
    if (existing) {
      throw new PluginDefinitionError(name, [
        `the name is already registered (version ${existing.plugin.manifest.version} from ${existing.source}); pick another name or remove that one`,
      ]);
    }
    this.plugins.set(name, { plugin, source });
    return this.info(name);
  }

  /** Forgets a plugin (one an admin disabled, or one whose registration could not be recorded). */
  unregister(name: string): void {
    this.plugins.delete(name);
  }

  has(name: string): boolean {
    return this.plugins.has(name);
  }

  get(name: string): WorkbenchPlugin {
    const entry = this.plugins.get(name);
    if (!entry)
      throw new UnknownPluginError(
        `no plugin named '${name}' (registered: ${[...this.plugins.keys()].join(', ') || 'none'})`,
      );
    return entry.plugin;
  }

  /** The segmentation model called `name`; throws when it is missing or a KPI evaluator. */
  segmentationModel(name: string): SegmentationModel {
    const plugin = this.get(name);
    if (plugin.manifest.kind === 'kpi')
      throw new UnknownPluginError(`plugin '${name}' is a KPI evaluator, not a segmentation model`);
    return plugin as SegmentationModel;
  }

  /** The KPI evaluator called `name`; throws when it is missing or a segmentation model. */
  kpiEvaluator(name: string): KpiEvaluator {
    const plugin = this.get(name);
    if (plugin.manifest.kind !== 'kpi')
      throw new UnknownPluginError(`plugin '${name}' is a ${plugin.manifest.kind}, not a KPI evaluator`);
    return plugin as KpiEvaluator;
  }

  info(name: string): PluginInfo {
    const { plugin, source } = this.plugins.get(name) ?? { plugin: this.get(name), source: '' };
    const { version, kind, description, sdk } = plugin.manifest;
    return { name, version, kind, description, sdk, source };
  }

  list(): PluginInfo[] {
    return [...this.plugins.keys()].sort().map((name) => this.info(name));
  }
}
