// The compiled schema parser (schema-compile.ts). scripts/build.mjs replaces this module with the code compiled at
// build time, so the bundle neither loads zod nor compiles anything at run time for a valid config; from source
// (tests, tsx) it is compiled here, once.
import { ClusterConfig } from './schema.js';
import { compileParser } from './schema-compile.js';

/** What zod's ClusterConfig.safeParse would return as data, or undefined: ask zod (the config may be invalid). */
export const fastParse = new Function(`return ${compileParser(ClusterConfig)}`)() as (input: unknown) => ClusterConfig | undefined;
