/**
 * The order drawer names the trade number and the notifications by the order's own provider (支付宝交易号 /
 * 微信支付订单号, 支付宝通知 / 微信支付通知; generic for a provider this version does not know), in both
 * languages; timeline kinds that are not plain labels (e.g. exactly `pair`, or names of object
 * properties) show as they are; Settings names the Alipay rows 支付宝 now that 微信支付 sits below them.
 */
import { cleanup, screen, within } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { OrderDrawer } from '../../../src/renderer/src/ui/screens/order-drawer';
import { SettingsScreen } from '../../../src/renderer/src/ui/screens/settings-screen';
import type { OrderDetailDto } from '../../../src/shared/contract';
import { createFakeApi } from '../fake-api';
import { orderDetailDto } from '../fixtures';
import { renderWithConsole } from './setup';

afterEach(cleanup);

const at = Date.now();
const event = (id: number, source: OrderDetailDto['events'][number]['source'], kind: string): OrderDetailDto['events'][number] => ({
  id,
  source,
  kind,
  payload: {},
  at,
});

async function drawer(provider: string, language: 'zh-CN' | 'en' = 'zh-CN', events = [event(1, 'notify', 'paid')]) {
  const fake = createFakeApi();
  fake.handle('orders.get', () => ({ ok: true, value: orderDetailDto({ id: 'PD1', provider, status: 'PAID', tradeNo: '4200000001', events }) }));
  renderWithConsole(<OrderDrawer orderId="PD1" onClose={() => undefined} />, { fake, language });
  const tradeNo = await screen.findByTestId('detail-trade-no');
  const label = tradeNo.closest('tr')?.querySelector('th')?.textContent;
  const sources = screen.getAllByTestId('timeline-event').map((e) => e.querySelector('.ant-tag')?.textContent);
  return { label, sources };
}

describe('order drawer labels by provider', () => {
  it('微信支付订单号 and 微信支付通知 on a WeChat order, 支付宝交易号 and 支付宝通知 on an Alipay one, 交易号 / 通知 otherwise', async () => {
    expect(await drawer('wechat')).toEqual({ label: '微信支付订单号', sources: ['微信支付通知'] });
    cleanup();
    expect(await drawer('alipay')).toEqual({ label: '支付宝交易号', sources: ['支付宝通知'] });
    cleanup();
    expect(await drawer('toypay')).toEqual({ label: '交易号', sources: ['通知'] });
  });

  it('in English too; other sources keep their names', async () => {
    expect(await drawer('wechat', 'en', [event(1, 'notify', 'paid'), event(2, 'poll', 'paid')])).toEqual({
      label: 'WeChat Pay transaction no.',
      sources: ['WeChat Pay notice', 'Query'],
    });
    cleanup();
    expect(await drawer('alipay', 'en')).toEqual({ label: 'Alipay trade no.', sources: ['Alipay notice'] });
    cleanup();
    expect(await drawer('constructor', 'en')).toEqual({ label: 'Trade no.', sources: ['Notice'] });
  });

  it('a kind of exactly `pair`, or an odd one, shows as it is; known kinds (nested too) in words', async () => {
    const kinds = ['pair', 'pair.closed', 'pair.', 'constructor', 'toString', 'pair.closed.more', 'refund:x', 'paid'];
    await drawer(
      'wechat',
      'zh-CN',
      kinds.map((k, i) => event(i + 1, 'system', k)),
    );
    const shown = screen.getAllByTestId('timeline-event').map((e) => e.querySelector('[data-kind]')?.textContent);
    expect(shown).toEqual(['pair', '双码：一方已付款，另一方的码已关闭', 'pair.', 'constructor', 'toString', 'pair.closed.more', 'refund:x', '支付成功']);
    expect(screen.getByTestId('timeline').textContent).not.toMatch(/returned an object|object Object/);
  });
});

describe('Settings names the Alipay rows', () => {
  it('支付宝应用 ID / 支付宝商户 ID / 支付宝密钥 above 微信支付', () => {
    renderWithConsole(<SettingsScreen />);
    const labels = [...document.querySelectorAll('th')].map((th) => th.textContent);
    for (const l of ['支付宝应用 ID（APPID）', '支付宝商户 ID（PID）', '支付宝密钥']) expect(labels).toContain(l);
    const wx = labels.indexOf('微信支付');
    expect(wx).toBeGreaterThan(labels.indexOf('支付宝密钥'));
    expect(within(document.body).queryByText('应用 ID（APPID）')).toBeNull();
  });
});
