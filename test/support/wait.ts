/** The one way tests wait: poll a condition, never a fixed sleep. */

type Truthy<T> = Exclude<T, false | null | undefined | 0 | ''>;

/**
 * Poll `check` (sync or async) until it returns a truthy value, and return that value. A check that
 * throws counts as "not yet"; its last error is named when the wait times out after `timeoutMs`.
 * The check's result is awaited: an async check's promise would otherwise always be truthy.
 */
export async function waitFor<T>(check: () => T | Promise<T>, what: string, timeoutMs = 10_000, everyMs = 20): Promise<Truthy<Awaited<T>>> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value) return value as Truthy<Awaited<T>>;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline) {
      const why = last === undefined ? '' : ` (last error: ${last instanceof Error ? last.message : JSON.stringify(last)})`;
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${why}`);
    }
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
}
