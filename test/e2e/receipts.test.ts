/**
 * Receipts (小票) in Chromium: a real demo order (the console with its embedded emulator: a 付款码 sale paid,
 * then part refunded) rendered by the same ReceiptView the console prints, at the 58 mm and 80 mm roll
 * widths; PNG screenshots in test-results/receipts/ (looked at as a cashier would), the layout measured
 * (nothing wider than the printable column, the QR big enough to scan), and page.pdf() of the browser
 * host's print view: the PDF path there.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createConsole } from '../../src/main/console';
import type { ConsoleHost } from '../../src/main/console-host';
import type { OrderDto } from '../../src/shared/contract';
import { buildReceipt, PAPER, PAPER_WIDTHS, type Receipt, type ReceiptKind } from '../../src/shared/receipt';
import { REPO } from '../console/serve-process';
import { makeTempDir, memoryLogger, waitFor } from '../support';
import { launchChromium } from './screens-helpers';

const SHOTS = join(REPO, 'test-results', 'receipts');
let browser: Browser;
let host: ConsoleHost;
let cleanup: () => Promise<void>;
let paid: OrderDto;
let refunded: OrderDto;
/** The renderer's markup of ReceiptView, loaded at run time (the node project's tsconfig has no JSX, DOM or React types). */
const PRINT_RECEIPT = '../../src/renderer/src/ui/receipt/print-receipt.ts';
let receiptMarkup: (receipt: Receipt) => string;

/** Measured in the page: the column's width, anything sticking out of it, the QR's size, the text. */
const LAYOUT = `(() => {
  const root = document.querySelector('[data-testid="receipt"]');
  const box = root.getBoundingClientRect();
  const overflow = [...root.querySelectorAll('*')].filter((el) => {
    const r = el.getBoundingClientRect();
    return r.width > 0 && (r.left < box.left - 0.5 || r.right > box.right + 0.5 || el.scrollWidth > el.clientWidth + 1);
  });
  const qr = root.querySelector('[data-testid="receipt-qr"]').getBoundingClientRect();
  return { width: box.width, qr: qr.width, overflow: overflow.map((el) => el.outerHTML.slice(0, 80)), text: root.innerText };
})()`;

async function ok<T>(p: Promise<{ ok: true; value: T } | { ok: false; error: { message: string } }>): Promise<T> {
  const r = await p;
  if (!r.ok) throw new Error(r.error.message);
  return r.value;
}

beforeAll(async () => {
  ({ receiptMarkup } = (await import(PRINT_RECEIPT)) as { receiptMarkup: (receipt: Receipt) => string });
  await mkdir(SHOTS, { recursive: true });
  browser = await launchChromium();
  const tmp = makeTempDir();
  cleanup = tmp.cleanup;
  host = await createConsole({ dataDir: tmp.dir, vault: { kind: 'file', env: {} } }, { logger: memoryLogger() });
  await ok(host.dispatch('settings.update', { receipt: { shopName: '街角咖啡 Corner Café' } }));
  const created = await ok(
    host.dispatch('orders.create', {
      amount: '38.50',
      method: 'code',
      authCode: '281000000000000001',
      subject: '冰美式咖啡 大杯 少冰 ×2、牛角包 Croissant ×1（外带）',
    }),
  );
  await waitFor(async () => (await ok(host.dispatch('orders.get', { id: created.id }))).status === 'PAID', 'the demo 付款码 sale paid', 20_000);
  paid = await ok(host.dispatch('orders.get', { id: created.id }));
  await ok(host.dispatch('orders.refund', { id: created.id, amount: '12.80', reason: '少一杯' }));
  await waitFor(
    async () => (await ok(host.dispatch('orders.get', { id: created.id }))).refunds.every((r) => r.status === 'SUCCESS'),
    'the refund succeeded',
    20_000,
  );
  refunded = await ok(host.dispatch('orders.get', { id: created.id }));
}, 90_000);

afterAll(async () => {
  await browser?.close();
  await host?.close();
  await cleanup?.();
});

function page(order: OrderDto, paperWidth: (typeof PAPER_WIDTHS)[number], kind: ReceiptKind): string {
  const receipt = buildReceipt(order, { shopName: '街角咖啡 Corner Café', paperWidth, kind });
  return `<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><style>html,body{margin:0;background:#fff}</style></head><body>${receiptMarkup(receipt)}</body></html>`;
}

describe('receipts rendered in Chromium', () => {
  for (const paperWidth of PAPER_WIDTHS) {
    for (const kind of ['payment', 'refund'] as const) {
      it(`${kind} at ${paperWidth}: within the printable column, QR scannable, a PNG to look at`, async () => {
        const order = kind === 'payment' ? paid : refunded;
        expect(order.tradeNo).toBeTruthy();
        const p = await browser.newPage({ viewport: { width: 400, height: 900 }, deviceScaleFactor: 2 });
        try {
          await p.setContent(page(order, paperWidth, kind));
          const layout = await p.evaluate<{ width: number; qr: number; overflow: string[]; text: string }>(LAYOUT);
          const pxPerMm = 96 / 25.4;
          expect(layout.width).toBeCloseTo(PAPER[paperWidth].printableMm * pxPerMm, 0);
          expect(layout.overflow).toEqual([]);
          // at least 25 mm of QR: a phone reads it from the counter
          expect(layout.qr / pxPerMm).toBeGreaterThanOrEqual(25);
          expect(layout.text).toContain(kind === 'payment' ? '收款小票' : '退款小票');
          expect(layout.text).toContain('¥38.50');
          expect(layout.text).toContain(order.tradeNo ?? '');
          if (kind === 'refund') {
            expect(layout.text).toContain('-¥12.80');
            expect(layout.text).toContain('¥25.70');
          }
          await p.locator('[data-testid="receipt"]').screenshot({ path: join(SHOTS, `receipt-${kind}-${paperWidth}.png`) });
        } finally {
          await p.close();
        }
      });
    }
  }

  it("page.pdf() of the browser host's print view: a PDF on the roll's width", async () => {
    const p = await browser.newPage();
    try {
      await p.setContent(page(refunded, '58mm', 'refund'));
      await p.emulateMedia({ media: 'print' });
      const pdf = await p.pdf({ preferCSSPageSize: true, printBackground: true, width: '58mm', height: '200mm' });
      expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
      expect(pdf.length).toBeGreaterThan(2000);
      await writeFile(join(SHOTS, 'receipt-refund-58mm.pdf'), pdf);
      // the page box is 58 mm wide (164.4 pt; Chromium rounds the page to whole CSS pixels: 220 px = 165.1 pt)
      const box = /MediaBox\s*\[\s*0 0 ([0-9.]+) /.exec(pdf.toString('latin1'));
      expect(Math.abs(Number(box?.[1]) - (58 / 25.4) * 72)).toBeLessThan(1);
    } finally {
      await p.close();
    }
  });
});
