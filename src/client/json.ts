/**
 * The JSON scalar as a client reads it (a rule, its conditions, an audit entry's rows): any JSON
 * value. Codegen maps the scalar to this type rather than to unknown (codegen.yml).
 */
export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };
