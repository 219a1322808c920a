/**
 * Makes root Query fields nullable unless a field sets `nullable` itself. With a non-null root field,
 * one subgraph being down nulls the whole `data` of a query that also asked other subgraphs; nullable
 * roots let the gateway return everything that answered (Apollo's guidance for partial results).
 */
import SchemaBuilder, { BasePlugin, type PothosOutputFieldConfig, type SchemaTypes } from '@pothos/core';

const pluginName = 'nullableRootQuery';

export class NullableRootQueryPlugin<Types extends SchemaTypes> extends BasePlugin<Types> {
  override onOutputFieldConfig(fieldConfig: PothosOutputFieldConfig<Types>): PothosOutputFieldConfig<Types> {
    const explicit = (fieldConfig.pothosOptions as { nullable?: unknown }).nullable;
    // Federation's own _service/_entities keep the shapes the spec requires.
    if (fieldConfig.kind !== 'Query' || explicit !== undefined || fieldConfig.name.startsWith('_')) return fieldConfig;
    return { ...fieldConfig, type: { ...fieldConfig.type, nullable: true } };
  }
}

// Pothos registers plugins through a global namespace declaration; there is no module-syntax alternative.
declare global {
  // eslint-disable-next-line @typescript-eslint/no-namespace
  export namespace PothosSchemaTypes {
    export interface Plugins<Types extends SchemaTypes> {
      nullableRootQuery: NullableRootQueryPlugin<Types>;
    }
  }
}

SchemaBuilder.registerPlugin(pluginName, NullableRootQueryPlugin);

export default pluginName;
