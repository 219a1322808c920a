// Imports every type file and prints the {{name}} subgraph schema.
import { FEDERATION_LINK } from '@ecomify/kernel/graphql';
import { builder } from '../builder';
import './{{name}}-item';

export const schema = builder.toSubGraphSchema({ linkUrl: FEDERATION_LINK });
