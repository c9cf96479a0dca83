import { z } from 'zod';
import { ClusterConfig } from './schema.js';

export function jsonSchema(): Record<string, unknown> {
  return {
    ...z.toJSONSchema(ClusterConfig, { io: 'input', target: 'draft-2020-12' }),
    $id: 'https://kspray.io/schema/v1alpha1/kspray.schema.json',
    title: 'kspray cluster config',
  };
}
