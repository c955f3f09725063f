/**
 * Registered merchant apps and their public keys. KeyObjects are parsed once per app (never per
 * request).
 */
import { randomInt, type KeyObject } from 'node:crypto';
import { parsePublicKey, publicKeyPem } from './signing';
import type { AppRecord } from './types';

/** Random digits (for app and seller ids). */
export function digits(n: number): string {
  let s = '';
  while (s.length < n) s += String(randomInt(10));
  return s;
}

/** A new app id: 16 digits starting 2021 (like sandbox/production app ids). */
export function newAppId(): string {
  return `2021${digits(12)}`;
}

/** A new seller (partner) id: 16 digits starting 2088. */
export function newSellerId(): string {
  return `2088${digits(12)}`;
}

/** The app registry. */
export class AppRegistry {
  private readonly apps = new Map<string, { record: AppRecord; key: KeyObject }>();

  /** Add an app (throws when the key is not an RSA public key or the id is taken). */
  add(record: AppRecord): AppRecord {
    if (this.apps.has(record.appId)) throw new Error(`app ${record.appId} is already registered`);
    const key = parsePublicKey(record.publicKeyPem);
    const normalised: AppRecord = { ...record, publicKeyPem: publicKeyPem(key) };
    this.apps.set(record.appId, { record: normalised, key });
    return normalised;
  }

  /** The app record. */
  get(appId: string): AppRecord | undefined {
    return this.apps.get(appId)?.record;
  }

  /** The app's public key (cached KeyObject). */
  key(appId: string): KeyObject | undefined {
    return this.apps.get(appId)?.key;
  }

  /** Every app, the default one first. */
  list(): AppRecord[] {
    return [...this.apps.values()].map((a) => a.record);
  }
}
