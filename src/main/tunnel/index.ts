/**
 * Public URL for notify (README, "The notify URL"): localtunnel | custom URL | none (poll only); loopback in
 * demo mode.
 */
export { createTunnelManager, tunnelConfigError, SUBDOMAIN_RE } from './tunnel-manager';
export type { TunnelManager, TunnelManagerOptions, TunnelStatus, TunnelState } from './tunnel-manager';
export { createProbeEndpoint, createProber, PROBE_PATH_PREFIX } from './probe';
export type { ProbeEndpoint, Prober, ProbeResult } from './probe';
export { createNotifyEndpoint, validateCustomNotifyUrl, notifyUrlFor, DEFAULT_TUNNEL_HOST } from './notify-endpoint';
export type { NotifyEndpoint, NotifyEndpointOptions, NotifyEndpointState, Reachability } from './notify-endpoint';
export { openLocaltunnel } from './localtunnel-opener';
export type { OpenTunnel, OpenTunnelOptions, TunnelHandle } from './localtunnel-opener';
export { backoffDelay } from './timing';
export type { BackoffOptions } from './timing';
