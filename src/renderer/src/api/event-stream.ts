/**
 * Reads a `text/event-stream` body (the server's `GET /api/events`) from a fetch() response. The browser
 * host uses fetch instead of EventSource because EventSource cannot send an Authorization header, and
 * the token must never be an ambient credential (a cookie) — see src/main/web/security.ts.
 * Handles what the format allows: \n, \r\n or \r line ends, lines split across chunks, multi-line data,
 * comments (keep-alives), `retry:` and unknown fields (ignored).
 */

/** A line longer than this (no newline in sight) ends the stream: the server never sends one. */
const MAX_PENDING = 1024 * 1024;

/** Calls `onEvent` for every complete event until the body ends; rejects when the read fails. */
export async function readEventStream(body: ReadableStream<Uint8Array>, onEvent: (name: string, data: string) => void): Promise<void> {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  let pending = '';
  let name = '';
  let data: string[] = [];

  const line = (text: string): void => {
    if (text === '') {
      if (data.length > 0) onEvent(name || 'message', data.join('\n'));
      name = '';
      data = [];
      return;
    }
    if (text.startsWith(':')) return;
    const colon = text.indexOf(':');
    const field = colon < 0 ? text : text.slice(0, colon);
    let value = colon < 0 ? '' : text.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    if (field === 'event') name = value;
    else if (field === 'data') data.push(value);
  };

  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return;
      pending += decoder.decode(value, { stream: true });
      // A lone \r at the very end may be the first half of \r\n: wait for the next chunk.
      const ends = /\r\n|\n|\r(?!$)/g;
      let start = 0;
      for (let m = ends.exec(pending); m; m = ends.exec(pending)) {
        line(pending.slice(start, m.index));
        start = m.index + m[0].length;
      }
      pending = pending.slice(start);
      if (pending.length > MAX_PENDING) throw new Error('event stream line too long');
    }
  } finally {
    reader.cancel().catch(() => undefined);
  }
}
