import type { TFunction } from 'i18next';

/**
 * A label from a translation table by a key that comes from data (an event kind, a provider id), or
 * null when the table has no string there. The key is never handed to i18next as a key path itself:
 * a value naming a sub-table (e.g. `pair`, whose entries are `pair.closed` …) would render i18next's
 * "returned an object" message, and separators or odd characters in data would pick other entries.
 * A dotted key walks nested tables (`pair.closed` → table.pair.closed), own entries only.
 */
export function tableLabel(t: TFunction, table: string, key: string): string | null {
  let node = t(table, { returnObjects: true }) as unknown;
  for (const part of key.split('.')) {
    if (typeof node !== 'object' || node === null || !Object.hasOwn(node, part)) return null;
    node = (node as Record<string, unknown>)[part];
  }
  return typeof node === 'string' ? node : null;
}
