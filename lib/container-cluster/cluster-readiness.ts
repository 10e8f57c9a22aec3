/**
 * The cluster's readiness: the wait condition the control plane signals once every node is Ready (the
 * construct is shared with the other labs that boot instances: `lib/shared/bootstrap-readiness.ts`).
 */
export { BootstrapReadiness as ClusterReadiness } from '../shared/bootstrap-readiness';
export type { BootstrapReadinessProps as ClusterReadinessProps } from '../shared/bootstrap-readiness';
