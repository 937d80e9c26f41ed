import type { ApolloServerPlugin } from '@apollo/server';
import { getNamedType, isObjectType } from 'graphql';
import { MAX_PAGE_SIZE } from './builder.js';
import type { Context } from './context.js';
import { userError } from './errors.js';

/** Asking a connection for more than a page holds is an error the caller sees, not a silent cut. */
export const pageSizeGuard: ApolloServerPlugin<Context> = {
  async requestDidStart() {
    return {
      async executionDidStart() {
        return {
          willResolveField({ info, args }) {
            const type = getNamedType(info.returnType);
            if (!isObjectType(type) || !type.name.endsWith('Connection')) return;
            for (const name of ['first', 'last'] as const) {
              const size = (args as Record<string, unknown>)[name];
              if (typeof size === 'number' && size > MAX_PAGE_SIZE) {
                throw userError(
                  'PAGE_SIZE_TOO_LARGE',
                  `${info.fieldName}.${name}`,
                  `${name} may be at most ${MAX_PAGE_SIZE}, got ${size}`,
                );
              }
            }
          },
        };
      },
    };
  },
};
