/**
 * 交班 (shift handover): the cashier on duty, and a shift's totals (docs/architecture.md, "Shift handover
 * (交班)"). A shift belongs to the environment and app of the core's default provider (like an order); at
 * most one is open per scope (a partial unique index). Its totals are the day summary's definition over
 * [startedAt, endedAt): the paid (or since refunded) orders this core owns — every hosted provider's
 * environment, app and provider, i.e. the orders the order list shows without the foreign mark — created
 * in the period, with their refunded amounts. Ending computes them and stores the snapshot in the same
 * transaction as the guarded UPDATE (… WHERE ended_at IS NULL), so a shift is ended exactly once, and
 * the snapshot is the orders as they stood at that instant.
 */
import { z } from 'zod';
import { checkCashierName } from '../../shared/cashier';
import type { ShiftRow, ShiftScope } from '../store';
import { PaymentError, type MethodTotals, type PaymentProvider, type RefundAuthorization, type Shift, type ShiftBook, type ShiftTotals } from './api';
import type { Context } from './context';
import { newShiftId } from './ids';

const METHODS = ['code', 'link', 'qr'] as const;
const fen = z.number().int().nonnegative();
/** The stored snapshot (shifts.totals). Parsed on every read: a damaged row is an error, never zeros. */
const snapshotSchema = z.object({
  v: z.literal(1),
  count: fen,
  grossFen: fen,
  refundedFen: fen,
  netFen: z.number().int(),
  byMethod: z.array(
    z.object({ provider: z.string().min(1).max(32), method: z.enum(METHODS), count: fen, grossFen: fen, refundedFen: fen, netFen: z.number().int() }),
  ),
});

const PAGE_DEFAULT = 20;
const PAGE_MAX = 100;

function cashierOrThrow(raw: string): string {
  const verdict = checkCashierName(raw);
  if (!verdict.ok) throw new PaymentError('CASHIER_INVALID', verdict.message);
  return verdict.name;
}

function alreadyEnded(id: string): PaymentError {
  return new PaymentError('SHIFT_ALREADY_ENDED', `班次 ${id} 已经交班，不能再次交班 / Shift ${id} has already been ended`);
}

function encodeShiftCursor(row: Pick<ShiftRow, 'startedAt' | 'id'>): string {
  return Buffer.from(`${row.startedAt}:${row.id}`, 'utf8').toString('base64url');
}

function decodeShiftCursor(cursor: string): { startedAt: number; id: string } {
  const m = /^(\d{1,16}):(.{1,64})$/s.exec(Buffer.from(cursor, 'base64url').toString('utf8'));
  if (!m) throw new PaymentError('CURSOR_INVALID', '分页参数无效 / Invalid page cursor');
  return { startedAt: Number(m[1]), id: m[2] as string };
}

export class ShiftService implements ShiftBook {
  private readonly scope: ShiftScope;

  constructor(
    private readonly ctx: Pick<Context, 'store' | 'clock' | 'logger' | 'providers'>,
    defaultProvider: PaymentProvider,
  ) {
    this.scope = { environment: defaultProvider.environment, appId: defaultProvider.accountId };
  }

  /** The totals of [from, to) over every hosted provider's own orders (one read, consistent). */
  totals(from: number, to: number): ShiftTotals {
    const lines: MethodTotals[] = [];
    const providers = [...this.ctx.providers.values()].sort((a, b) => a.id.localeCompare(b.id));
    for (const p of providers) {
      const scope = { environment: p.environment, appId: p.accountId, provider: p.id };
      for (const r of this.ctx.store.shifts.paidTotals(scope, from, to)) lines.push({ ...r, netFen: r.grossFen - r.refundedFen });
    }
    const count = lines.reduce((n, l) => n + l.count, 0);
    const grossFen = lines.reduce((n, l) => n + l.grossFen, 0);
    const refundedFen = lines.reduce((n, l) => n + l.refundedFen, 0);
    return { count, grossFen, refundedFen, netFen: grossFen - refundedFen, byMethod: lines };
  }

  private toShift(row: ShiftRow): Shift {
    let totals: ShiftTotals;
    if (row.endedAt === null) {
      // Live: orders created up to and including this millisecond.
      // One read transaction (deferred, like the day summary's): every provider's lines from one state.
      totals = this.ctx.store.db.transaction(() => this.totals(row.startedAt, Math.max(row.startedAt, this.ctx.clock.now()) + 1))();
    } else {
      const parsed = snapshotSchema.safeParse(row.totals === null ? null : JSON.parse(row.totals));
      if (!parsed.success) {
        throw new PaymentError('SHIFT_CORRUPT', `班次 ${row.id} 的交班记录已损坏 / The stored totals of shift ${row.id} are damaged`);
      }
      const { v: _v, ...rest } = parsed.data;
      totals = rest;
    }
    return {
      id: row.id,
      cashier: row.cashier,
      startedAt: row.startedAt,
      endedAt: row.endedAt,
      endedBy: row.endedBy,
      handedTo: row.handedTo,
      authorization: row.endAuthorization,
      totals,
    };
  }

  current(): Shift | null {
    const row = this.ctx.store.shifts.open(this.scope);
    return row ? this.toShift(row) : null;
  }

  get(id: string): Shift | null {
    const row = this.ctx.store.shifts.get(id);
    return row && this.mine(row) ? this.toShift(row) : null;
  }

  private mine(row: ShiftRow): boolean {
    return row.environment === this.scope.environment && row.appId === this.scope.appId;
  }

  /** Inside a transaction: open a shift for `cashier` (already checked) at `at`. */
  private startTx(cashier: string, at: number): ShiftRow {
    const open = this.ctx.store.shifts.open(this.scope);
    if (open) {
      throw new PaymentError(
        'SHIFT_OPEN',
        `已有未交班的班次（收银员 ${open.cashier}），请先交班 / A shift is already open (cashier ${open.cashier}): end it first`,
      );
    }
    const row = { id: newShiftId(at), ...this.scope, cashier, startedAt: at };
    this.ctx.store.shifts.start(row);
    return { ...row, endedAt: null, endedBy: null, handedTo: null, endAuthorization: null, totals: null };
  }

  start(rawCashier: string): Shift {
    const cashier = cashierOrThrow(rawCashier);
    const row = this.ctx.store.tx(() => this.startTx(cashier, this.ctx.clock.now()));
    this.ctx.logger.info('shift started', { shiftId: row.id });
    return this.toShift(row);
  }

  end(input: { id: string; authorization: RefundAuthorization; nextCashier?: string }): { ended: Shift; next: Shift | null } {
    const nextCashier = input.nextCashier === undefined ? null : cashierOrThrow(input.nextCashier);
    const { ended, next } = this.ctx.store.tx(() => {
      const row = this.ctx.store.shifts.get(input.id);
      if (!row || !this.mine(row)) {
        throw new PaymentError('SHIFT_NOT_FOUND', `找不到班次 ${input.id} / Shift ${input.id} not found`);
      }
      if (row.endedAt !== null) throw alreadyEnded(row.id);
      const endedAt = Math.max(row.startedAt, this.ctx.clock.now());
      const totals = this.totals(row.startedAt, endedAt);
      const fields = {
        endedAt,
        endedBy: row.cashier,
        handedTo: nextCashier,
        endAuthorization: input.authorization,
        totals: JSON.stringify({ v: 1, ...totals }),
      };
      // The guard: only a row still open is ended; anything else ended it first.
      if (!this.ctx.store.shifts.end(row.id, fields)) throw alreadyEnded(row.id);
      const endedRow: ShiftRow = { ...row, ...fields };
      return { ended: endedRow, next: nextCashier === null ? null : this.startTx(nextCashier, endedAt) };
    });
    this.ctx.logger.info('shift ended', { shiftId: ended.id, next: next?.id ?? null, authorization: input.authorization });
    return { ended: this.toShift(ended), next: next ? this.toShift(next) : null };
  }

  list(query: { cursor?: string; limit?: number }): { items: Shift[]; nextCursor: string | null } {
    const limit = Math.max(1, Math.min(Math.trunc(query.limit ?? PAGE_DEFAULT), PAGE_MAX));
    const after = query.cursor ? decodeShiftCursor(query.cursor) : undefined;
    const rows = this.ctx.store.shifts.list(this.scope, after, limit + 1);
    const page = rows.slice(0, limit);
    const last = page[page.length - 1];
    return { items: page.map((r) => this.toShift(r)), nextCursor: rows.length > limit && last ? encodeShiftCursor(last) : null };
  }
}
