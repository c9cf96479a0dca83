// Writes schema/kspray.schema.json from the zod schema (the single source of truth). Run: node --import tsx scripts/generate-schema.ts
import { writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { jsonSchema } from '../src/config/json-schema.js';
import { docsJsonSchema } from '../src/docs/schema.js';

export const schemaFile = fileURLToPath(new URL('../schema/kspray.schema.json', import.meta.url));

/** The exact bytes of the committed schema file (also what `kspray schema` prints, plus a final newline). */
export const schemaText = (): string => JSON.stringify(jsonSchema(), null, 2) + '\n';

/** `kspray docs -o json` validates against this file (committed next to the config schema). */
export const docsSchemaFile = fileURLToPath(new URL('../schema/kspray-docs.schema.json', import.meta.url));
export const docsSchemaText = (): string => JSON.stringify(docsJsonSchema(), null, 2) + '\n';

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  await writeFile(schemaFile, schemaText());
  await writeFile(docsSchemaFile, docsSchemaText());
  process.stdout.write(`wrote ${schemaFile} and ${docsSchemaFile}\n`);
}
