export { createGatewayApp, type GatewayApp, type GatewayAppOptions } from './app';
export {
  gatewayConfigShape,
  loadGatewayConfig,
  subgraphUrlOverridesFromEnv,
  subgraphUrlVariable,
  supergraphServices,
  type GatewayConfig,
} from './config';
export { composeFromConfig, composeSdl, readRoverConfig, type ComposeResult, type SubgraphConfig } from './compose';
export { estimateQuery, type QueryEstimate } from './limits';
export { maskGatewayError } from './errors';
