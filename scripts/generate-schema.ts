// Writes schema/kspray.schema.json from the zod schema (the single source of truth). Run: node --import tsx scripts/generate-schema.ts
import { writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { jsonSchema } from '../src/config/json-schema.js';

export const schemaFile = fileURLToPath(new URL('../schema/kspray.schema.json', import.meta.url));

/** The exact bytes of the committed schema file (also what `kspray schema` prints, plus a final newline). */
export const schemaText = (): string => JSON.stringify(jsonSchema(), null, 2) + '\n';

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  await writeFile(schemaFile, schemaText());
  process.stdout.write(`wrote ${schemaFile}\n`);
}
