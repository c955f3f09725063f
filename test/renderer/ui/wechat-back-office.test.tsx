/**
 * WeChat Pay in the back office (jsdom): the Orders provider filter (全部 / 支付宝 / 微信) sent as orders.list
 * `provider` and applied to pushed orders; the provider's logo and colour in the list and the drawer; a
 * 双码 order's partner one click away; the pair events of the timeline in words (both languages, unknown
 * kinds as they are); 今日 by provider; Settings › 微信支付: the account fields, key import for the four
 * WeChat key slots, 测试连接 per provider, and the no-sandbox note.
 */
import { act, cleanup, fireEvent, screen, waitFor, within } from '@testing-library/react';
import { useState } from 'react';
import { afterEach, describe, expect, it } from 'vitest';
import { ConsoleContext, useConsole } from '../../../src/renderer/src/ui/hooks/console-context';
import { OrderDrawer } from '../../../src/renderer/src/ui/screens/order-drawer';
import { OrdersScreen } from '../../../src/renderer/src/ui/screens/orders-screen';
import { SettingsScreen } from '../../../src/renderer/src/ui/screens/settings-screen';
import { TodayScreen } from '../../../src/renderer/src/ui/screens/today-screen';
import type { KeyTestDto, OrderDetailDto, SettingsDto, SummaryDto } from '../../../src/shared/contract';
import { createFakeApi } from '../fake-api';
import { orderDetailDto, orderDto } from '../fixtures';
import { patchedSettings, renderWithConsole, SETTINGS } from './setup';

afterEach(cleanup);

const lists = (fake: ReturnType<typeof createFakeApi>) => fake.calls.filter((c) => c.channel === 'orders.list').map((c) => c.input);

describe('Orders by provider', () => {
  it('全部 / 支付宝 / 微信 sends provider to orders.list; a pushed order of the other provider stays out; rows carry the logo and colour', async () => {
    const fake = createFakeApi();
    fake.handle('orders.list', (input) => ({
      ok: true,
      value: {
        items:
          input.provider === 'wechat'
            ? [orderDto({ id: 'PDW1', provider: 'wechat' })]
            : [orderDto({ id: 'PDW1', provider: 'wechat' }), orderDto({ id: 'PDA1', provider: 'alipay' })],
        nextCursor: null,
      },
    }));
    renderWithConsole(<OrdersScreen active />, { fake });
    await waitFor(() => expect(screen.getAllByTestId('order-row')).toHaveLength(2));
    expect(lists(fake)[0]).not.toHaveProperty('provider');
    const rows = screen.getAllByTestId('order-row');
    expect(rows.map((r) => within(r).getByTestId('row-method').textContent)).toEqual(['微信 · 扫码收款', '支付宝 · 扫码收款']);
    expect(rows.map((r) => within(r).getByTestId('provider-logo').getAttribute('data-color'))).toEqual(['#07C160', '#1677FF']);

    fireEvent.click(screen.getByTestId('provider-filter-wechat'));
    await waitFor(() => expect(screen.getAllByTestId('order-row')).toHaveLength(1));
    expect(lists(fake).at(-1)).toMatchObject({ provider: 'wechat' });
    act(() => fake.emit('order.updated', orderDto({ id: 'PDA2', provider: 'alipay', status: 'AWAITING_PAYMENT' })));
    act(() => fake.emit('order.updated', orderDto({ id: 'PDW2', provider: 'wechat', status: 'AWAITING_PAYMENT' })));
    await waitFor(() => expect(screen.getAllByTestId('order-row').map((r) => r.dataset.orderId)).toEqual(['PDW2', 'PDW1']));

    fireEvent.click(screen.getByTestId('provider-filter-ALL'));
    await waitFor(() => expect(lists(fake).at(-1)).not.toHaveProperty('provider'));
  });

  it('the drawer: provider in its colour, the paired order one click away, the pair events in words', async () => {
    const fake = createFakeApi();
    const events = (id: string): OrderDetailDto['events'] => [
      { id: 1, source: 'user', kind: 'created', payload: {}, at: Date.now() },
      { id: 2, source: 'system', kind: id === 'PDA1' ? 'pair.closed' : 'pair.duplicate_refunded', payload: {}, at: Date.now() },
      { id: 3, source: 'system', kind: 'pair.future_kind', payload: {}, at: Date.now() },
    ];
    fake.handle('orders.get', ({ id }) => ({
      ok: true,
      value: orderDetailDto({
        id,
        provider: id === 'PDA1' ? 'alipay' : 'wechat',
        status: id === 'PDA1' ? 'CLOSED' : 'PAID',
        pairedWith: id === 'PDA1' ? 'PDW1' : 'PDA1',
        events: events(id),
      }),
    }));
    fake.handle('pin.status', () => ({ ok: true, value: { available: true, set: false, refundAbove: '0.00', lockedUntil: null, triesLeft: 5 } }));
    function Drawer(): React.JSX.Element {
      const [id, setId] = useState<string | null>('PDA1');
      return <OrderDrawer orderId={id} onOpen={setId} onClose={() => setId(null)} />;
    }
    renderWithConsole(<Drawer />, { fake });
    await waitFor(() => expect(screen.getByTestId('order-detail').getAttribute('data-order-id')).toBe('PDA1'));
    expect(screen.getByTestId('detail-provider').textContent).toBe('支付宝');
    expect(screen.getByTestId('detail-provider').style.color).toBe('rgb(22, 119, 255)');
    expect(screen.getByTestId('detail-paired').textContent).toBe('PDW1');
    const kinds = () => screen.getAllByTestId('timeline-event').map((e) => e.querySelector('[data-kind]')?.textContent);
    expect(kinds()).toEqual(['创建订单', '双码：一方已付款，另一方的码已关闭', 'pair.future_kind']);

    fireEvent.click(screen.getByTestId('detail-open-paired'));
    await waitFor(() => expect(screen.getByTestId('order-detail').getAttribute('data-order-id')).toBe('PDW1'));
    expect(screen.getByTestId('detail-provider').textContent).toBe('微信');
    expect(screen.getByTestId('detail-paired').textContent).toBe('PDA1');
    expect(kinds()[1]).toBe('双码：两个码都被支付，较晚的一笔已自动全额退款');
  });

  it('the pair events in English too', async () => {
    const fake = createFakeApi();
    fake.handle('orders.get', () => ({
      ok: true,
      value: orderDetailDto({
        id: 'PDW1',
        provider: 'wechat',
        pairedWith: 'PDA1',
        events: [{ id: 1, source: 'system', kind: 'pair.closed', payload: {}, at: 1 }],
      }),
    }));
    fake.handle('pin.status', () => ({ ok: true, value: { available: true, set: false, refundAbove: '0.00', lockedUntil: null, triesLeft: 5 } }));
    renderWithConsole(<OrderDrawer orderId="PDW1" onClose={() => undefined} />, { fake, language: 'en' });
    expect((await screen.findByTestId('detail-provider')).textContent).toBe('WeChat Pay');
    expect(screen.getByTestId('timeline-event').querySelector('[data-kind]')?.textContent).toBe('Both codes: one side was paid, the other code was closed');
  });
});

describe('今日 by provider', () => {
  it('shows 支付宝 and 微信 with their figures above the provider × method table', async () => {
    const fake = createFakeApi();
    const summary: SummaryDto = {
      date: '2026-12-01',
      gross: '60.00',
      refunded: '5.00',
      net: '55.00',
      count: 3,
      average: '18.33',
      hourly: [],
      byMethod: [
        { provider: 'alipay', method: 'qr', count: 2, gross: '40.00', refunded: '5.00', net: '35.00' },
        { provider: 'wechat', method: 'qr', count: 1, gross: '20.00', refunded: '0.00', net: '20.00' },
      ],
      byProvider: [
        { provider: 'alipay', count: 2, gross: '40.00', refunded: '5.00', net: '35.00' },
        { provider: 'wechat', count: 1, gross: '20.00', refunded: '0.00', net: '20.00' },
      ],
    };
    fake.handle('summary.today', () => ({ ok: true, value: summary }));
    renderWithConsole(<TodayScreen active />, { fake });
    await waitFor(() => expect(screen.getAllByTestId('provider-row')).toHaveLength(2));
    const rows = screen.getAllByTestId('provider-row');
    expect(rows.map((r) => within(r).getByTestId('provider-name').textContent)).toEqual(['支付宝', '微信']);
    expect(rows.map((r) => within(r).getByTestId('provider-count').textContent)).toEqual(['2', '1']);
    expect(rows.map((r) => within(r).getByTestId('provider-net').textContent)).toEqual(['¥35.00', '¥20.00']);
    const byProvider = screen.getByTestId('today-by-provider');
    const byMethod = screen.getByTestId('today-by-method');
    expect(byProvider.compareDocumentPosition(byMethod) & Node.DOCUMENT_POSITION_FOLLOWING).toBeTruthy();
  });
});

/** The settings screen with live settings state, as ConsoleApp provides it. */
function Live({ initial }: { initial: SettingsDto }): React.JSX.Element {
  const outer = useConsole();
  const [settings, setSettings] = useState(initial);
  return (
    <ConsoleContext.Provider value={{ ...outer, settings, setSettings }}>
      <SettingsScreen />
    </ConsoleContext.Provider>
  );
}

describe('Settings › 微信支付', () => {
  const empty: SettingsDto = {
    ...SETTINGS,
    environment: 'production',
    wechat: {
      mchId: '',
      appId: '',
      merchantSerialNo: '',
      publicKeyId: '',
      keys: {
        merchantPrivateKey: { configured: false, fingerprint: null },
        apiV3Key: { configured: false, fingerprint: null },
        wechatpayPublicKey: { configured: false, fingerprint: null },
        merchantCertificate: { configured: false, fingerprint: null },
      },
    },
  };

  it('saves mchid / AppID / serial / public key id through settings.update wechat, field by field', async () => {
    const fake = createFakeApi();
    fake.handle('settings.update', (input) => ({ ok: true, value: patchedSettings(empty, input) }));
    renderWithConsole(<Live initial={empty} />, { fake });
    fireEvent.change(screen.getByTestId('settings-wx-mchId'), { target: { value: '1900000109' } });
    fireEvent.change(screen.getByTestId('settings-wx-appId'), { target: { value: 'wxd678efh567hg6787' } });
    fireEvent.change(screen.getByTestId('settings-wx-publicKeyId'), { target: { value: 'PUB_KEY_ID_0114232134912410000000000000' } });
    fireEvent.click(screen.getByTestId('settings-save'));
    await screen.findByTestId('settings-result');
    expect(fake.calls.find((c) => c.channel === 'settings.update')?.input).toEqual({
      wechat: { mchId: '1900000109', appId: 'wxd678efh567hg6787', publicKeyId: 'PUB_KEY_ID_0114232134912410000000000000' },
    });
    expect(screen.getByTestId<HTMLInputElement>('settings-wx-mchId').value).toBe('1900000109');
    expect(screen.getByTestId('settings-save').hasAttribute('disabled')).toBe(true); // nothing left unsaved
  });

  it('imports the APIv3 key through keys.import wechat (fingerprint only back), tests WeChat Pay on its own, and says there is no sandbox', async () => {
    const fake = createFakeApi();
    const afterImport: SettingsDto = {
      ...empty,
      wechat: { ...empty.wechat, keys: { ...empty.wechat.keys, apiV3Key: { configured: true, fingerprint: 'SHA256:77aa' } } },
    };
    fake.handle('keys.import', () => ({ ok: true, value: afterImport }));
    const dto: KeyTestDto = {
      ok: true,
      provider: 'wechat',
      environment: 'production',
      code: 'ORDER_NOT_EXIST',
      message: '签名与验签正常 / Signing and verification work',
      durationMs: 120,
    };
    fake.handle('keys.test', () => ({ ok: true, value: dto }));
    renderWithConsole(<Live initial={empty} />, { fake });
    const section = screen.getByTestId('wx-keys-section');
    expect(['merchantPrivateKey', 'apiV3Key', 'wechatpayPublicKey', 'merchantCertificate'].map((k) => screen.getByTestId(`wx-key-${k}`).textContent)).toEqual([
      '未配置',
      '未配置',
      '未配置',
      '未配置',
    ]);
    expect(within(section).getByTestId('wx-no-sandbox').textContent).toMatch(/^微信支付 API v3 没有沙箱环境/);

    fireEvent.click(screen.getByTestId('wx-key-apiV3Key-import'));
    const modal = await screen.findByTestId('key-import-modal');
    expect(modal.getAttribute('data-provider')).toBe('wechat');
    expect(modal.textContent).toContain('APIv3密钥：商户平台');
    fireEvent.change(screen.getByTestId('key-import-text'), { target: { value: '0123456789abcdef0123456789ABCDEF' } });
    fireEvent.click(screen.getByTestId('key-import-submit'));
    await screen.findByTestId('wx-key-import-done');
    expect(fake.calls.find((c) => c.channel === 'keys.import')?.input).toEqual({
      provider: 'wechat',
      which: 'apiV3Key',
      text: '0123456789abcdef0123456789ABCDEF',
    });
    expect(screen.getByTestId('wx-key-apiV3Key').textContent).toBe('已配置');
    expect(screen.getByTestId('wx-key-apiV3Key-fingerprint').textContent).toBe('SHA256:77aa');
    expect(document.body.textContent).not.toContain('0123456789abcdef');

    fireEvent.click(screen.getByTestId('wx-keys-test'));
    expect((await screen.findByTestId('wx-keys-test-message')).textContent).toBe('签名与验签正常');
    expect(screen.getByTestId('wx-keys-test-code').textContent).toBe('ORDER_NOT_EXIST');
    expect(screen.queryByTestId('keys-test-result')).toBeNull(); // Alipay's result untouched
    fireEvent.click(screen.getByTestId('keys-test'));
    await screen.findByTestId('keys-test-result');
    expect(fake.calls.filter((c) => c.channel === 'keys.test').map((c) => c.input)).toEqual([{ provider: 'wechat' }, {}]);
  });
});
