// The root package.json is the workbench's version, not a project the module-boundary rule knows; importing it
// (rather than reading it at run time) keeps it right wherever the code is built to.
// eslint-disable-next-line @nx/enforce-module-boundaries
import { version } from '../../../package.json';

/** Version of the workbench (the root package.json's), recorded on every run and shown in the API docs. */
export const WORKBENCH_VERSION: string = version;
