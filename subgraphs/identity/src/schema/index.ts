// Imports every type file and prints the identity subgraph schema.
import { FEDERATION_LINK } from '@ecomify/kernel/graphql';
import { builder } from '../builder';
import './errors';
import './user';
import './session';
import './auth';
import './mfa';
import './password-reset';
import './audit';

export const schema = builder.toSubGraphSchema({ linkUrl: FEDERATION_LINK });
