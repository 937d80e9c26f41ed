/**
 * Issue 16 item 7: the schema's generated types carry the names GraphQL users expect, by one rule
 * (src/graphql/builder.ts), so every connection and every write added later follows it: a page of
 * X is XConnection with XEdge whichever field lists it, and a write answers <Name>Result =
 * <Name>Payload | WriteRefused, never Pothos' QueryEnterprisesConnection or MutationCreateEnterpriseSuccess.
 */
import { getNamedType, isNonNullType, isObjectType, isUnionType, type GraphQLObjectType } from 'graphql';
import { describe, expect, it } from 'vitest';
import { schema } from '../../src/graphql/schema.js';

const capitalized = (name: string) => name.charAt(0).toUpperCase() + name.slice(1);
const objects = Object.values(schema.getTypeMap()).filter(
  (type): type is GraphQLObjectType => isObjectType(type) && !type.name.startsWith('__'),
);

describe('names of generated types', () => {
  it('names every connection and edge after the type it lists, one type per listed type', () => {
    const connections = objects.filter((type) => type.name.endsWith('Connection'));
    expect(connections.length).toBeGreaterThanOrEqual(10);
    for (const connection of connections) {
      const edge = getNamedType(connection.getFields().edges!.type) as GraphQLObjectType;
      const node = getNamedType(edge.getFields().node!.type).name;
      expect([connection.name, edge.name, String(connection.getFields().totalCount?.type)]).toEqual([
        `${node}Connection`,
        `${node}Edge`,
        'Int!',
      ]);
    }
    expect(schema.getType('IncentiveConnection')).toBe(
      getNamedType(schema.getQueryType()!.getFields().incentives!.type),
    );
    // Policy.incentives, AchievementKind.incentives and Query.incentives page the same type.
    expect(getNamedType((schema.getType('Policy') as GraphQLObjectType).getFields().incentives!.type).name).toBe(
      'IncentiveConnection',
    );
  });

  it('answers every refusable write with <Name>Result = <Name>Payload | WriteRefused, the object in data', () => {
    const writes = Object.values(schema.getMutationType()!.getFields()).filter((field) =>
      isUnionType(getNamedType(field.type)),
    );
    expect(writes.map((w) => w.name)).toEqual(expect.arrayContaining(['createEnterprise', 'startExport']));
    for (const write of writes) {
      const union = getNamedType(write.type);
      if (!isUnionType(union)) throw new Error(write.name);
      expect(isNonNullType(write.type)).toBe(true);
      expect(union.name).toBe(`${capitalized(write.name)}Result`);
      const name = capitalized(write.name);
      expect(union.getTypes().map((t) => t.name)).toEqual(expect.arrayContaining([`${name}Payload`, 'WriteRefused']));
      expect(union.getTypes()).toHaveLength(2);
      const payload = union.getTypes().find((t) => t.name === `${name}Payload`);
      expect(Object.keys(payload!.getFields())).toEqual(['data']);
    }
  });

  it("leaves no type named after Pothos' parent type and field", () => {
    expect(
      objects
        .map((type) => type.name)
        .filter((name) => /^(Query|Mutation)./.test(name) || /ConnectionEdge$|Success$/.test(name)),
    ).toEqual([]);
  });
});
