import * as semver from 'semver';
import { PluginDefinitionError } from './errors';
import { validateParams, type ParamsClass } from './params';

export const PLUGIN_KINDS = ['segmenter', 'predictor', 'kpi'] as const;
/** `segmenter` and `predictor` implement SegmentationModel (a predictor also yields scores); `kpi` implements KpiEvaluator. */
export type PluginKind = (typeof PLUGIN_KINDS)[number];

/**
 * A column a plugin needs in its input frame, checked before a job is queued.
 *
 * @example
 * { name: 'recency_days', type: 'numeric', description: 'days since the last purchase' }
 */
export interface FeatureRequirement {
  name: string;
  type: 'numeric' | 'categorical';
  /** When true the plugin works without it. */
  optional?: boolean;
  description?: string;
}

/**
 * Every plugin declares one. The host checks each field when the plugin is loaded and records
 * `name` and `version` on every run the plugin makes.
 *
 * @example
 * {
 *   name: 'segmenter-kmeans', version: '1.0.0', kind: 'segmenter', sdk: '^1.0.0',
 *   description: 'k-means on z-scored numeric features',
 *   params: KMeansParams, requires: [], examples: [{ k: 5, features: ['income', 'spending'] }],
 * }
 */
export interface PluginManifest<P extends object = object> {
  /** Unique id: lowercase letters, digits and dashes, starting with a letter. */
  name: string;
  /** Exact semver of the plugin, e.g. '1.2.0'. */
  version: string;
  kind: PluginKind;
  /** Semver range of the plugin SDK this plugin was built for, e.g. '^1.0.0'. */
  sdk: string;
  description: string;
  /** class-validator decorated class; property initialisers are the defaults. */
  params: ParamsClass<P>;
  /** Features needed beyond those named in params. */
  requires: FeatureRequirement[];
  /** Example params shown to users; each must validate against `params`. */
  examples?: Partial<P>[];
}

const NAME = /^[a-z][a-z0-9-]{1,62}[a-z0-9]$/;

/** Lists every way `manifest` breaks the contract (empty when valid). */
export function manifestProblems(manifest: PluginManifest<object>): string[] {
  const problems: string[] = [];
  const m = manifest as unknown as Record<string, unknown>;
  if (typeof m.name !== 'string' || !NAME.test(m.name)) {
    problems.push(
      `manifest.name ${JSON.stringify(m.name)} must be 3-64 lowercase letters, digits or dashes, starting with a letter`,
    );
  }
  if (typeof m.version !== 'string' || semver.valid(m.version) !== m.version) {
    problems.push(`manifest.version ${JSON.stringify(m.version)} must be an exact semver version such as '1.0.0'`);
  }
  if (!PLUGIN_KINDS.includes(m.kind as PluginKind)) {
    problems.push(`manifest.kind ${JSON.stringify(m.kind)} must be one of ${PLUGIN_KINDS.join(', ')}`);
  }
  if (typeof m.sdk !== 'string' || m.sdk.trim() !== m.sdk || semver.validRange(m.sdk) === null) {
    problems.push(`manifest.sdk ${JSON.stringify(m.sdk)} must be a semver range such as '^1.0.0'`);
  }
  if (typeof m.description !== 'string' || m.description.trim() === '') {
    problems.push('manifest.description must be a non-empty sentence saying what the plugin does');
  }
  if (typeof m.params !== 'function') {
    problems.push('manifest.params must be a class decorated with class-validator');
  } else {
    const name = typeof m.name === 'string' ? m.name : '?';
    try {
      validateParams(name, manifest.params, {});
    } catch (e) {
      problems.push(
        `the defaults of manifest.params are invalid (${(e as Error).message}); give every required field a default`,
      );
    }
    (manifest.examples ?? []).forEach((example, i) => {
      try {
        validateParams(name, manifest.params, example);
      } catch (e) {
        problems.push(`manifest.examples[${i}] is invalid: ${(e as Error).message}`);
      }
    });
  }
  if (!Array.isArray(m.requires)) {
    problems.push('manifest.requires must be an array (empty when the plugin needs no fixed feature)');
  } else {
    (m.requires as FeatureRequirement[]).forEach((r, i) => {
      if (typeof r?.name !== 'string' || r.name === '')
        problems.push(`manifest.requires[${i}].name must be a column name`);
      if (r?.type !== 'numeric' && r?.type !== 'categorical')
        problems.push(`manifest.requires[${i}].type must be 'numeric' or 'categorical'`);
    });
  }
  return problems;
}

/** Throws {@link PluginDefinitionError} listing every problem of `manifest`. */
export function assertValidManifest(manifest: PluginManifest<object>): void {
  const problems = manifestProblems(manifest);
  if (problems.length > 0) {
    const name = typeof manifest?.name === 'string' ? manifest.name : '(unnamed)';
    throw new PluginDefinitionError(name, problems);
  }
}
