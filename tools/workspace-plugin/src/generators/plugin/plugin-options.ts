export const PLUGIN_KINDS = ['segmenter', 'predictor', 'kpi'] as const;
/** Mirrors the SDK's PluginKind; kept here so the generator does not load the SDK. */
export type PluginKind = (typeof PLUGIN_KINDS)[number];

/** Options of `nx g @workbench/tools:plugin` (see schema.json). */
export interface PluginGeneratorSchema {
  name: string;
  kind: PluginKind;
  /** Default: `plugins/<name>`. */
  directory?: string;
}
