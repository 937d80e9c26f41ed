/**
 * The language of an answer's texts. A request's comes from `Accept-Language` (src/server/app.ts),
 * an operation may name its own with `@inContext(language: ZH_CN)` (as Shopify's Storefront API
 * does), and a text field with its `language` argument. Codes, enums and amounts never change.
 */
import type { ApolloServerPlugin } from '@apollo/server';
import {
  DirectiveLocation,
  getDirectiveValues,
  getVariableValues,
  GraphQLDirective,
  type GraphQLError,
  GraphQLNonNull,
  GraphQLSchema,
  type GraphQLEnumType,
  type OperationDefinitionNode,
} from 'graphql';
import { messagesFor, type Locale, type Messages } from '../i18n/index.js';
import { renderPhrase } from '../i18n/trace.js';
import { namedMessages, type Scope } from '../scope/scope.js';
import { builder } from './builder.js';
import { UserError } from './errors.js';
import { tooManyTokens } from './limits.js';

export const LanguageEnum = builder.enumType('Language', {
  description: "A language texts are written in: ZH_CN (简体中文, the documents' language) or EN (English).",
  values: {
    ZH_CN: { value: 'zh-CN' as const, description: '简体中文.' },
    EN: { value: 'en' as const, description: 'English.' },
  },
});

/** The `language` argument of every field that answers text for people. */
export const languageArgs = builder.args((t) => ({
  language: t.field({
    type: LanguageEnum,
    description: "The language of this text; the operation's (@inContext, else Accept-Language) when omitted.",
  }),
}));

/** The messages a text field renders with: its own `language`, else the request's. */
export const messagesOf = (language: Locale | null | undefined, ctx: Scope): Messages =>
  language ? messagesFor(language) : ctx.messages;

/** The same, writing names where the engines wrote codes (椒江区, 国家级), from the corpus the request holds. */
export const namedMessagesOf = (language: Locale | null | undefined, ctx: Scope): Promise<Messages> =>
  namedMessages(ctx, messagesOf(language, ctx));

const IN_CONTEXT = 'inContext';

/** The schema with `@inContext(language:)` on operations (built after Pothos, whose Language enum it takes). */
export function withLanguageDirective(schema: GraphQLSchema): GraphQLSchema {
  const directive = new GraphQLDirective({
    name: IN_CONTEXT,
    description:
      'The context of the whole operation: `language`, the language of every text in the answer (explanations, steps, reasons, error messages), in place of Accept-Language.',
    locations: [DirectiveLocation.QUERY, DirectiveLocation.MUTATION],
    args: {
      language: {
        type: new GraphQLNonNull(schema.getType('Language') as GraphQLEnumType),
        description: 'ZH_CN or EN.',
      },
    },
  });
  const config = schema.toConfig();
  return new GraphQLSchema({ ...config, directives: [...config.directives, directive] });
}

/** The language an operation names with @inContext, its variables coerced (`language: $language`). */
function operationLocale(
  schema: GraphQLSchema,
  operation: OperationDefinitionNode,
  variables: Record<string, unknown> | undefined,
): Locale | null {
  const directive = schema.getDirective(IN_CONTEXT);
  if (!directive) return null;
  const coerced = getVariableValues(schema, operation.variableDefinitions ?? [], variables ?? {});
  if (coerced.errors) return null; // the request is refused for its variables anyway
  return (getDirectiveValues(directive, operation, coerced.coerced)?.language as Locale | undefined) ?? null;
}

/**
 * The answer in its language: the operation's @inContext in place of Accept-Language, typed errors'
 * messages rendered in it, and the language named in Content-Language.
 */
export const answerLanguage: ApolloServerPlugin<Scope> = {
  async requestDidStart() {
    return {
      async didResolveOperation({ schema, operation, request, contextValue }) {
        const locale = operation && operationLocale(schema, operation, request.variables);
        if (locale) contextValue.messages = messagesFor(locale);
      },
      async didEncounterErrors({ errors, contextValue }) {
        const messages = contextValue?.messages ?? messagesFor('en');
        for (const [i, error] of errors.entries()) {
          const user = error instanceof UserError ? error : error.originalError;
          if (user instanceof UserError) error.message = renderPhrase(user.phrase, messages);
          // The parser's refusal becomes ours; Apollo formats this same array next.
          else (errors as GraphQLError[])[i] = tooManyTokens(error)?.in(messages) ?? error;
        }
      },
      async willSendResponse({ response, contextValue }) {
        if (!contextValue?.messages) return;
        response.http.headers.set('content-language', contextValue.messages.locale);
        // An unexpected fault's generic message (src/server/app.ts formats it in English, knowing no request).
        if (response.body.kind === 'single' && response.body.singleResult.errors) {
          const internal = messagesFor('en').t('error.INTERNAL');
          response.body.singleResult.errors = response.body.singleResult.errors.map((e) =>
            e.message === internal && e.extensions?.code === 'INTERNAL_SERVER_ERROR'
              ? { ...e, message: contextValue.messages.t('error.INTERNAL') }
              : e,
          );
        }
      },
    };
  },
};
