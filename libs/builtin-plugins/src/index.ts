import type { WorkbenchPlugin } from '@workbench/plugin-sdk';
import kmeans from '@workbench/segmenter-kmeans';
import rules from '@workbench/segmenter-rules';
import churn from '@workbench/predictor-churn';
import clv from '@workbench/kpi-clv';
import standard from '@workbench/kpi-standard';

/**
 * The plugins shipped with the workbench, registered by both apps (orchestrator and CLI) at start.
 * This is the one place that imports plugins: adding a shipped plugin means adding it here.
 */
export const builtinPlugins: readonly WorkbenchPlugin[] = Object.freeze([kmeans, rules, churn, standard, clv]);

/**
 * This module's file: a sandbox thread loads it to get the same plugins (see WorkbenchOptions.pluginsModule).
 * A path, not the '@workbench/…' alias, which only compiled imports resolve.
 */
export const BUILTIN_PLUGINS_MODULE = __filename;
