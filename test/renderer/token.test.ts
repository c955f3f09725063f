import { afterEach, describe, expect, it } from 'vitest';
import { takeToken, tokenInHash } from '../../src/renderer/src/api/token';

const TOKEN = 'K0UBNPy7xiOB1Ulc4-LSdd0oxpEVH2QAyXmC-riUCR8';

afterEach(() => {
  sessionStorage.clear();
  history.replaceState(null, '', '/');
});

describe('the browser host token on the page', () => {
  it('moves #token=… into sessionStorage and out of the address bar; a reload finds it there', () => {
    history.replaceState(null, '', `/?x=1#token=${TOKEN}`);
    expect(takeToken(window)).toBe(TOKEN);
    expect(location.href).not.toContain(TOKEN);
    expect(location.hash).toBe('');
    expect(location.search).toBe('?x=1');
    expect(document.cookie).toBe('');
    // a reload: no fragment any more
    expect(takeToken(window)).toBe(TOKEN);
    // a newer token (the restarted host's URL pasted into the tab) replaces it
    const next = TOKEN.replace('K0', 'Z9');
    history.replaceState(null, '', `/#token=${next}`);
    expect(takeToken(window)).toBe(next);
  });

  it('a malformed #token leaves the address bar too, and is not taken', () => {
    history.replaceState(null, '', '/#token=<script>');
    expect(takeToken(window)).toBeUndefined();
    expect(location.hash).toBe('');
    expect(tokenInHash('#token=')).toBeNull();
    expect(tokenInHash(`#token=${TOKEN}&x`)).toBeNull();
    expect(tokenInHash(`#token=${TOKEN}`)).toBe(TOKEN);
  });

  it('without sessionStorage the token lives in memory', () => {
    const broken = {
      setItem: () => {
        throw new Error('SecurityError');
      },
      getItem: () => {
        throw new Error('SecurityError');
      },
    } as unknown as Storage;
    history.replaceState(null, '', `/#token=${TOKEN}`);
    expect(takeToken({ location, history, sessionStorage: broken })).toBe(TOKEN);
    expect(location.hash).toBe('');
  });
});
