/** Version of the workbench, recorded on every run (keep in step with the root package.json). */
export const WORKBENCH_VERSION = '0.1.0';
