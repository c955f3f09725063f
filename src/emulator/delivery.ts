/**
 * The delivery machinery both notifiers share (docs/emulator.md "Faults"): notification faults (drop /
 * duplicate / reorder), one HTTP POST per attempt with a real-time timeout, retries on an emulated-time
 * schedule until the merchant acknowledges or the schedule runs out, a record of every attempt,
 * reset() / close() with in-flight requests aborted. What differs per provider is passed in: the retry
 * schedule, how one attempt is sent and recorded, what counts as acknowledged, the log prefix.
 * Not modelled here: building or signing the notice (each notifier does that).
 */
import http from 'node:http';
import https from 'node:https';
import type { OutgoingHttpHeaders } from 'node:http';
import type { ClockTimer, ScaledClock } from './clock';

/** The outcome fields of a recorded attempt, filled in when the merchant answers or the request fails. */
export interface AttemptOutcome {
  /** HTTP status of the merchant's answer; null when the request failed. */
  status: number | null;
  responseBody: string | null;
  /** true when the answer acknowledges the notice. */
  accepted: boolean;
  /** transport error (timeout, refused) when status is null. */
  error?: string;
}

/** The fault list as the delivery uses it (the notifier consumes notification faults itself). */
export interface NotifyFaultSource<F extends { kind: string; count: number }> {
  peekNotifyFault(): F | undefined;
  consume(f: F): void;
  remove(f: F): void;
}

/** How much of the merchant's answer is kept in the record. */
export type ResponseLimit =
  /** whole chunks while their total stays within `bytes` (later chunks are not kept). */
  | { bytes: number }
  /** the whole answer, cut to its first `chars` characters. */
  | { chars: number };

/** What differs between providers. */
export interface DeliveryOptions<N, R extends AttemptOutcome, F extends { kind: string; count: number }> {
  clock: ScaledClock;
  faults: NotifyFaultSource<F>;
  /** Delays (emulated ms) before attempts 2, 3, …; the notice is given up after the last. */
  retryDelaysMs: readonly number[];
  /** real ms before a delivery request is abandoned (counts as a failure). */
  timeoutMs: number;
  log: (msg: string) => void;
  /** starts every log line, e.g. `notify` */
  logPrefix: string;
  noticeId: (notice: N) => string;
  url: (notice: N) => string;
  /** The record of one attempt, with a null/false outcome. */
  record: (notice: N, attempt: number, id: number, at: number) => R;
  /** Headers and body of one attempt (called after the attempt is recorded). */
  request: (notice: N) => { headers: OutgoingHttpHeaders; body: string };
  /** Whether the merchant's answer acknowledges the notice. */
  accepted: (status: number | undefined, body: string) => boolean;
  responseLimit: ResponseLimit;
}

interface Pending<N> {
  notice: N;
  attempts: number;
  copies: number;
}

/** Delivers notices with faults and retries; records every attempt. */
export class NoticeDelivery<N, R extends AttemptOutcome, F extends { kind: string; count: number }> {
  private readonly attempts: R[] = [];
  private readonly timers = new Set<ClockTimer>();
  private readonly inflight = new Set<http.ClientRequest>();
  private held: Pending<N>[] = [];
  private seq = 1;
  private closedFlag = false;
  /** Bumped by reset(): deliveries of an older generation stop retrying. */
  private generation = 0;

  constructor(private readonly opts: DeliveryOptions<N, R, F>) {}

  /** true after close(): no notice is delivered any more. */
  get closed(): boolean {
    return this.closedFlag;
  }

  /** Every delivery attempt so far (the records themselves: copy before handing out). */
  records(): readonly R[] {
    return this.attempts;
  }

  /** Deliver a notice, subject to the first notification fault. */
  submit(notice: N): void {
    if (this.closedFlag) return;
    const pending: Pending<N> = { notice, attempts: 0, copies: 1 };
    const { faults, log, logPrefix } = this.opts;
    const fault = faults.peekNotifyFault();
    if (fault?.kind === 'notify-drop') {
      faults.consume(fault);
      log(`${logPrefix} ${this.opts.noticeId(notice)} dropped (fault)`);
      return;
    }
    if (fault?.kind === 'notify-duplicate') {
      faults.consume(fault);
      pending.copies = 3;
    }
    if (fault?.kind === 'notify-reorder') {
      this.held.push(pending);
      if (this.held.length >= fault.count) {
        // A reorder fault is one batch of `count` notices: done once released.
        faults.remove(fault);
        const batch = this.held.reverse();
        this.held = [];
        // One after the other, so the merchant really sees them in reverse order.
        void batch.reduce<Promise<void>>((prev, n) => prev.then(() => this.deliver(n)), Promise.resolve());
      }
      return;
    }
    void this.deliver(pending);
  }

  /** Forget recorded attempts, held notices and pending retries. */
  reset(): void {
    for (const t of this.timers) this.opts.clock.clearTimeout(t);
    this.timers.clear();
    this.attempts.length = 0;
    this.held = [];
    this.generation += 1;
  }

  /** Stop retries and abort in-flight deliveries. */
  close(): void {
    this.closedFlag = true;
    this.reset();
    for (const req of this.inflight) req.destroy();
    this.inflight.clear();
  }

  private async deliver(pending: Pending<N>): Promise<void> {
    if (this.closedFlag) return;
    pending.attempts += 1;
    const attemptNo = pending.attempts;
    const generation = this.generation;
    const results = await Promise.all(Array.from({ length: attemptNo === 1 ? pending.copies : 1 }, () => this.post(pending.notice, attemptNo)));
    if (this.closedFlag || generation !== this.generation || results.some(Boolean)) return;
    const delay = this.opts.retryDelaysMs[attemptNo - 1];
    if (delay === undefined) {
      this.opts.log(`${this.opts.logPrefix} ${this.opts.noticeId(pending.notice)} given up after ${attemptNo} attempts`);
      return;
    }
    const timer = this.opts.clock.setTimeout(() => {
      this.timers.delete(timer);
      void this.deliver(pending);
    }, delay);
    this.timers.add(timer);
  }

  private post(notice: N, attemptNo: number): Promise<boolean> {
    const record = this.opts.record(notice, attemptNo, this.seq++, this.opts.clock.now());
    this.attempts.push(record);
    const { headers, body } = this.opts.request(notice);
    const limit = this.opts.responseLimit;
    return new Promise<boolean>((resolve) => {
      let settled = false;
      const finish = (error?: string): void => {
        if (settled) return;
        settled = true;
        if (error) record.error = error;
        resolve(record.accepted);
      };
      let url: URL;
      try {
        url = new URL(this.opts.url(notice));
      } catch {
        finish('invalid notify_url');
        return;
      }
      const client = url.protocol === 'https:' ? https : http;
      const req = client.request(url, { method: 'POST', agent: false, timeout: this.opts.timeoutMs, headers });
      this.inflight.add(req);
      req.on('response', (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (c: Buffer) => {
          size += c.length;
          if (!('bytes' in limit) || size <= limit.bytes) chunks.push(c);
        });
        res.on('end', () => {
          this.inflight.delete(req);
          record.status = res.statusCode ?? null;
          const text = Buffer.concat(chunks).toString('utf8');
          record.responseBody = 'chars' in limit ? text.slice(0, limit.chars) : text;
          record.accepted = this.opts.accepted(res.statusCode, record.responseBody);
          finish();
        });
        res.on('error', (e) => finish(e.message));
      });
      req.on('timeout', () => req.destroy(new Error(`timeout after ${this.opts.timeoutMs} ms`)));
      req.on('error', (e) => {
        this.inflight.delete(req);
        finish(e.message);
      });
      req.end(body);
    });
  }
}
