/**
 * Per-request DataLoaders: every list field that needs more than its own row goes through one
 * of these, so a page of N rows costs a fixed number of SQL statements, not N.
 */
import DataLoader from 'dataloader';
import type { Db } from '../db/client.js';

export interface Loaders {
  /** A jurisdiction's id with the ids of everything under it (a city with its districts). */
  jurisdictionSubtree: DataLoader<number, number[]>;
  /** A jurisdiction's id with the ids of everything above it (a district, its city, its province). */
  jurisdictionAncestry: DataLoader<number, number[]>;
}

export function createLoaders(db: Db): Loaders {
  // The jurisdiction tree is small (hundreds of rows): one statement a request reads it whole.
  let tree: Promise<Array<{ id: number; parentId: number | null }>> | undefined;
  const rows = () => (tree ??= db.jurisdiction.findMany({ select: { id: true, parentId: true } }));
  return {
    jurisdictionSubtree: new DataLoader(async (ids) => {
      const children = new Map<number, number[]>();
      for (const row of await rows()) {
        if (row.parentId !== null) children.set(row.parentId, [...(children.get(row.parentId) ?? []), row.id]);
      }
      return ids.map((root) => {
        const subtree: number[] = [];
        const stack = [root];
        while (stack.length) {
          const id = stack.pop()!;
          subtree.push(id);
          stack.push(...(children.get(id) ?? []));
        }
        return subtree;
      });
    }),
    jurisdictionAncestry: new DataLoader(async (ids) => {
      const parent = new Map((await rows()).map((row) => [row.id, row.parentId]));
      return ids.map((id) => {
        const chain: number[] = [];
        for (let at: number | null | undefined = id; at != null; at = parent.get(at)) chain.push(at);
        return chain;
      });
    }),
  };
}
