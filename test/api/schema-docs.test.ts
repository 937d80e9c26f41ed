/**
 * Issue #8: GraphiQL is the analysts' documentation, so every type of the printed schema, every
 * field of an object or interface and every field of an input object carries a description.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import {
  buildSchema,
  isInputObjectType,
  isInterfaceType,
  isIntrospectionType,
  isObjectType,
  isSpecifiedScalarType,
} from 'graphql';
import { describe, expect, it } from 'vitest';

const sdl = readFileSync(fileURLToPath(new URL('../../schema/schema.graphql', import.meta.url)), 'utf8');

/** Every type or field of the schema without a description, as `Type` or `Type.field`. */
function undocumented(): string[] {
  const schema = buildSchema(sdl);
  const missing: string[] = [];
  for (const type of Object.values(schema.getTypeMap())) {
    if (isIntrospectionType(type) || isSpecifiedScalarType(type)) continue;
    if (!type.description?.trim()) missing.push(type.name);
    if (isObjectType(type) || isInterfaceType(type) || isInputObjectType(type)) {
      for (const field of Object.values(type.getFields())) {
        if (!field.description?.trim()) missing.push(`${type.name}.${field.name}`);
      }
    }
  }
  return missing.sort();
}

describe('schema documentation', () => {
  it('describes every type, field and input field', () => {
    const missing = undocumented();
    expect(missing, `${missing.length} without a description:\n${missing.join('\n')}`).toEqual([]);
  });
});
