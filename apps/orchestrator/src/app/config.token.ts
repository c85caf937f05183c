/** Injection token of the process's validated WorkbenchConfig (provided and exported by AppModule, which is global). */
export const CONFIG = Symbol('WORKBENCH_CONFIG');
