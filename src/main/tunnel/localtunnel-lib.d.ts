/**
 * Types for the localtunnel client's Tunnel class (node_modules/localtunnel/lib/Tunnel.js, v2.0.2),
 * which @types/localtunnel does not describe. `_init` and `_getInfo` are the client's internal
 * assignment step; see localtunnel-opener.ts for why we replace `_init`.
 */
declare module 'localtunnel/lib/Tunnel.js' {
  import { EventEmitter } from 'node:events';

  interface TunnelOptions {
    port: number;
    host?: string;
    subdomain?: string;
    local_host?: string;
  }

  /** The server's answer to `GET /?new` or `GET /<subdomain>`. */
  interface AssignmentBody {
    id: string;
    port: number;
    url: string;
    max_conn_count?: number;
    ip?: string;
    cached_url?: string;
  }

  class Tunnel extends EventEmitter {
    constructor(opts: TunnelOptions);
    url?: string;
    clientId?: string;
    closed: boolean;
    _init(cb: (err: Error | null, info?: unknown) => void): void;
    _getInfo(body: AssignmentBody): unknown;
    open(cb: (err?: Error) => void): void;
    close(): void;
  }
  export = Tunnel;
}
