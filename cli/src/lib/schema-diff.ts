/**
 * Compares two client-facing API schemas: graphql-js' breaking and dangerous changes, plus additions
 * (new types, fields, arguments) reported as SAFE so a reviewer sees the whole change.
 */
import {
  buildSchema,
  findBreakingChanges,
  findDangerousChanges,
  isInputObjectType,
  isInterfaceType,
  isObjectType,
  type GraphQLSchema,
} from 'graphql';

export type Criticality = 'BREAKING' | 'DANGEROUS' | 'SAFE';

export interface SchemaChange {
  criticality: Criticality;
  /** graphql-js change type (FIELD_REMOVED, ...) or TYPE_ADDED / FIELD_ADDED / ARG_ADDED for additions. */
  type: string;
  /** Schema coordinate: `Type`, `Type.field`, `Type.field(arg:)`, `Enum.VALUE`. */
  path: string;
  message: string;
}

/** Derives the coordinate from graphql-js' description ("Query.me arg x was removed.", "Foo was removed."). */
function pathOf(description: string): string {
  const head = /^([A-Za-z_][\w]*(?:\.[A-Za-z_][\w]*)?)/.exec(description)?.[1] ?? '';
  const arg = / arg ([A-Za-z_]\w*)/.exec(description)?.[1];
  const enumValue = /^([A-Za-z_]\w*) was (?:removed|added) (?:from|to) enum type ([A-Za-z_]\w*)/.exec(description);
  if (enumValue) return `${enumValue[2]}.${enumValue[1]}`;
  return arg ? `${head}(${arg}:)` : head;
}

function additions(oldSchema: GraphQLSchema, newSchema: GraphQLSchema): SchemaChange[] {
  const out: SchemaChange[] = [];
  const oldTypes = oldSchema.getTypeMap();
  for (const [name, type] of Object.entries(newSchema.getTypeMap())) {
    if (name.startsWith('__')) continue;
    const before = oldTypes[name];
    if (!before) {
      out.push({ criticality: 'SAFE', type: 'TYPE_ADDED', path: name, message: `${name} was added.` });
      continue;
    }
    if (
      (isObjectType(type) || isInterfaceType(type) || isInputObjectType(type)) &&
      (isObjectType(before) || isInterfaceType(before) || isInputObjectType(before))
    ) {
      const oldFields = before.getFields();
      for (const [fieldName, field] of Object.entries(type.getFields())) {
        const prev = oldFields[fieldName];
        if (!prev) {
          // New required input fields are already reported as breaking by graphql-js.
          if (isInputObjectType(type) && String(field.type).endsWith('!') && !('defaultValue' in field && field.defaultValue !== undefined))
            continue;
          out.push({ criticality: 'SAFE', type: 'FIELD_ADDED', path: `${name}.${fieldName}`, message: `${name}.${fieldName} was added.` });
        }
        // Added arguments are DANGEROUS (optional) or BREAKING (required) in graphql-js' own lists.
      }
    }
  }
  return out;
}

export function diffSchemas(oldSdl: string, newSdl: string): SchemaChange[] {
  const oldSchema = buildSchema(oldSdl);
  const newSchema = buildSchema(newSdl);
  const breaking = findBreakingChanges(oldSchema, newSchema).map((c) => ({
    criticality: 'BREAKING' as const,
    type: c.type,
    path: pathOf(c.description),
    message: c.description,
  }));
  const dangerous = findDangerousChanges(oldSchema, newSchema).map((c) => ({
    criticality: 'DANGEROUS' as const,
    type: c.type,
    path: pathOf(c.description),
    message: c.description,
  }));
  return [...breaking, ...dangerous, ...additions(oldSchema, newSchema)];
}
