export {
  pluginGenerator,
  normalizePluginOptions,
  PLUGIN_NAME_PATTERN,
  type NormalizedPluginOptions,
} from './generators/plugin/generator';
export { PLUGIN_KINDS, type PluginGeneratorSchema, type PluginKind } from './generators/plugin/plugin-options';
