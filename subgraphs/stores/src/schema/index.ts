// Imports every type file and prints the stores subgraph schema.
import { FEDERATION_LINK } from '@ecomify/kernel/graphql';
import { builder } from '../builder';
import './store';
import './staff';

export const schema = builder.toSubGraphSchema({ linkUrl: FEDERATION_LINK });
