// kspray schema: the JSON Schema generated from the same zod schema the validator uses.
import type { CommandContext } from '../context.js';
import { jsonSchema } from '../config/json-schema.js';

export async function schema(ctx: CommandContext): Promise<number> {
  ctx.reporter.print(JSON.stringify(jsonSchema(), null, 2));
  return 0;
}
