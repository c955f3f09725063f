/**
 * The ConsoleApi contract: every command the renderer can send to main and
 * every event main pushes, in one const table. The preload, the main-side handlers and the web-bridge
 * client are all derived from it. Money crosses this boundary as yuan strings ("12.34"); main parses
 * them strictly into integer fen (src/shared/money.ts).
 */
import { z } from 'zod';
import { isTunnelSubdomain, TUNNEL_SUBDOMAIN_MESSAGE } from './notify-urls';
import { PAPER_WIDTHS, type PaperWidth } from './receipt';

/* ── DTOs (what the renderer sees; never any secret) ─────────────────────────────────────────── */

export const ORDER_STATUSES = ['AWAITING_PAYMENT', 'PAID', 'PARTIALLY_REFUNDED', 'REFUNDED', 'CLOSED', 'FAILED'] as const;
export type OrderStatusDto = (typeof ORDER_STATUSES)[number];

export const ORDER_METHODS = ['qr', 'code', 'link'] as const;
export type OrderMethodDto = (typeof ORDER_METHODS)[number];

/** The providers PayDesk knows. An order's `provider` is one of these ids (older or foreign rows may hold another id). */
export const PROVIDER_IDS = ['alipay', 'wechat'] as const;
export type ProviderIdDto = (typeof PROVIDER_IDS)[number];

/** What the cashier picks for a QR sale: one provider's QR, or 双码 ('dual': one sale, a QR of each provider side by side). */
export const QR_CHOICES = ['alipay', 'wechat', 'dual'] as const;
export type QrChoiceDto = (typeof QR_CHOICES)[number];

export type RefundStatusDto = 'PENDING' | 'SUCCESS' | 'UNKNOWN' | 'FAILED';

export interface RefundDto {
  id: string;
  orderId: string;
  /** yuan string, e.g. "2.00" */
  amount: string;
  reason: string | null;
  status: RefundStatusDto;
  createdAt: number;
  settledAt: number | null;
  message: string | null;
}

export interface OrderDto {
  /** = out_trade_no */
  id: string;
  /** The provider that carries the trade: a provider id ('alipay', …). The renderer names the ones it
   *  knows (支付宝) and shows any other id as it is. */
  provider: string;
  method: OrderMethodDto;
  status: OrderStatusDto;
  amount: string;
  refunded: string;
  /** what can still be refunded (amount − succeeded − in flight), yuan string */
  refundable: string;
  subject: string;
  qrCode: string | null;
  payUrl: string | null;
  /** 收款链接 while awaiting payment and the notify endpoint is reachable: a short redirect URL for a QR. */
  shortUrl?: string | null;
  tradeNo: string | null;
  buyerLogonId: string | null;
  createdAt: number;
  paidAt: number | null;
  expiresAt: number | null;
  closedAt: number | null;
  userPaying: boolean;
  message: string | null;
  /** Paid after PayDesk had cancelled / closed it (a late scan): a loud warning and a one-click refund. Absent = null. */
  latePayment?: 'after_cancel' | 'after_close' | null;
  refunds: RefundDto[];
  /**
   * 双码: the id of the other order of the same sale (the other provider's QR). The first one paid wins and
   * the other is closed; if both are paid, the later one is refunded in full automatically. Absent = null.
   */
  pairedWith?: string | null;
  /** Demo only: the emulator's customer page where a simulated buyer pays this order (模拟顾客扫码). Absent = null. */
  customerUrl?: string | null;
  /** Where the order was created ('unknown': before PayDesk recorded it) and with which app id. */
  environment: Environment | 'unknown';
  appId: string;
  /** Another environment's or app's order: shown read-only, never cancelled, refunded or polled here. */
  foreign: boolean;
}

/** orders.create's answer: the order, and for 双码 the other provider's order of the same sale. */
export interface CreatedOrderDto extends OrderDto {
  paired?: OrderDto;
}

export interface OrderEventDto {
  id: number;
  source: 'user' | 'notify' | 'poll' | 'sweep' | 'system';
  kind: string;
  payload: Record<string, unknown>;
  at: number;
}

export interface OrderDetailDto extends OrderDto {
  events: OrderEventDto[];
}

export interface OrderPageDto {
  items: OrderDto[];
  nextCursor: string | null;
}

export interface SummaryDto {
  date: string;
  count: number;
  gross: string;
  refunded: string;
  net: string;
  /** net / count, yuan string ("0.00" when no sale) */
  average: string;
  hourly: { hour: number; count: number; net: string }[];
  /** Paid orders of the day split by provider and method (only those with sales). */
  byMethod: { provider: string; method: OrderMethodDto; count: number; gross: string; refunded: string; net: string }[];
  /** The same day split by provider only (今日 by 支付宝 / 微信); the rows add up to the day's totals. */
  byProvider: { provider: string; count: number; gross: string; refunded: string; net: string }[];
}

/** Where the money is real: the embedded emulator (demo), a provider's sandbox, or production. */
export const ENVIRONMENTS = ['demo', 'sandbox', 'production'] as const;
export type Environment = (typeof ENVIRONMENTS)[number];

export const NOTIFY_MODES = ['loopback', 'localtunnel', 'custom', 'none'] as const;
export type NotifyMode = (typeof NOTIFY_MODES)[number];

export const LANGUAGES = ['zh-CN', 'en'] as const;
export type Language = (typeof LANGUAGES)[number];

/** A key in the vault as the renderer may see it: configured or not, and its SHA-256 fingerprint. */
export interface KeyStateDto {
  configured: boolean;
  fingerprint: string | null;
}

export const ALIPAY_KEY_FIELDS = ['appPrivateKey', 'alipayPublicKey'] as const;
export type AlipayKeyFieldDto = (typeof ALIPAY_KEY_FIELDS)[number];

/** Alipay's group of settings: the account and the status of its keys (never key material). */
export interface AlipaySettingsDto {
  appId: string;
  /** The seller id (PID, 2088…) notifications must name. */
  sellerId: string;
  keys: Record<AlipayKeyFieldDto, KeyStateDto>;
}

/**
 * WeChat Pay's keys (API v3, public-key mode): the merchant API private key (apiclient_key.pem), the APIv3
 * key (32 bytes), the WeChat Pay public key, and optionally the merchant API certificate (apiclient_cert.pem;
 * when given, the private key must match it and its serial number fills merchantSerialNo).
 */
export const WECHAT_KEY_FIELDS = ['merchantPrivateKey', 'apiV3Key', 'wechatpayPublicKey', 'merchantCertificate'] as const;
export type WechatKeyFieldDto = (typeof WECHAT_KEY_FIELDS)[number];

/** WeChat Pay's group of settings: the merchant, the ids that go with its keys, and the status of its keys. */
export interface WechatSettingsDto {
  /** 商户号 (digits) */
  mchId: string;
  /** The AppID bound to the merchant (公众号 / 小程序 / 移动应用) */
  appId: string;
  /** 商户API证书序列号: 40 hex digits */
  merchantSerialNo: string;
  /** 微信支付公钥ID: PUB_KEY_ID_… */
  publicKeyId: string;
  keys: Record<WechatKeyFieldDto, KeyStateDto>;
}

/** Where keys are kept, for every provider. */
export interface VaultDto {
  /** Electron safeStorage, the browser host's encrypted file, or null (vault unusable). */
  backend: KeyBackend | null;
  /** Bilingual warnings: weak backend (basic_text, file vault), unreadable vault or stored key. */
  warnings: string[];
}

/**
 * The settings. Each provider's account fields and key status form one group under the provider's id
 * (`alipay`), so another provider's group can be added beside it.
 */
export interface SettingsDto {
  environment: Environment;
  alipay: AlipaySettingsDto;
  wechat: WechatSettingsDto;
  notifyMode: NotifyMode;
  customNotifyUrl: string;
  orderExpiryMinutes: number;
  voice: boolean;
  language: Language;
  /** localtunnel mode: the tunnel server (localtunnel's `host`), e.g. https://localtunnel.me or a self-hosted one. */
  tunnelHost: string;
  /** localtunnel mode: requested subdomain ('' = a random one). */
  tunnelSubdomain: string;
  /** Counter safety: the scanner's longest gap between keystrokes (ms; README "Scanner timing"). */
  scanMaxGapMs: number;
  /** Counter safety: sales above this (yuan) need a confirmation showing the amount in 大写. */
  confirmAbove: string;
  /** Counter safety: the largest sale (yuan) main accepts. */
  maxPerSale: string;
  /** The shop's name on the customer display's idle screen (1–32 characters). */
  shopName: string;
  vault: VaultDto;
  /** Receipts (小票): the shop name printed on top, the roll width, and printing after each payment and refund. */
  receipt: ReceiptSettingsDto;
}

/* ── Receipts (小票) ── */
export interface ReceiptSettingsDto {
  shopName: string;
  paperWidth: PaperWidth;
  autoPrint: boolean;
}

/** keys.import: the most key text accepted (a 4096-bit PKCS#1 PEM is ≈ 3.3 KB). */
export const KEY_TEXT_MAX = 16_384;
export type KeyBackend = 'safeStorage' | 'file';

/** 测试连接 outcome: ok, or a stable code (APP_KEY_MISMATCH, ALIPAY_KEY_WRONG, INVALID_APP_ID, TIMEOUT, NETWORK, KEYS_MISSING, UNEXPECTED) with a bilingual explanation. */
export interface KeyTestDto {
  ok: boolean;
  code: string | null;
  message: string;
  /** which provider was asked */
  provider: string;
  /** which environment's gateway was asked (the saved settings', or this run's start-up override) */
  environment: Environment;
  durationMs: number;
}

/** The manager PIN as the renderer may see it: never the PIN or its hash. */
export interface PinStatusDto {
  /** false when the key vault cannot be opened (then refunds and setting changes are refused) */
  available: boolean;
  set: boolean;
  /** refunds above this yuan amount need the PIN; "0.00" = every refund */
  refundAbove: string;
  /** epoch ms until which every PIN is refused (5 wrong tries), else null */
  lockedUntil: number | null;
  triesLeft: number;
}

export interface StatusDto {
  environment: Environment;
  /** http(s) base of the emulator's customer pages in demo mode, else null */
  emulatorUrl: string | null;
  notify: {
    mode: NotifyMode;
    /** The notify URL of the first hosted provider (Alipay's when it is hosted); null = none (poll only). */
    url: string | null;
    /**
     * Every hosted provider's notify URL, one per provider, all on the same base (e.g.
     * `http://127.0.0.1:P/notify/alipay`, `…/notify/wechat`); empty when `url` is null. Absent (an older
     * main) = just `url`.
     */
    urls?: { provider: string; url: string }[];
    reachability: 'reachable' | 'unreachable' | 'unknown' | 'disabled';
    detail: string | null;
  };
  lastNotificationAt: number | null;
  /**
   * Each known provider in the running environment: ready to take payments, or why not (bilingual: keys
   * missing, WeChat Pay has no sandbox, …). The counter offers only the ready ones.
   */
  providers: { id: ProviderIdDto; ready: boolean; reason: string | null }[];
  /** Things that need attention, bilingual sentences (keys missing, notify unreachable → polling). */
  warnings: string[];
}

/* ── Commands ─────────────────────────────────────────────────────────────────────────────────── */

const yuan = z.string().max(32);
/** The scanner gap setting's range (ms). */
export const SCAN_GAP_MS = { min: 10, max: 250, default: 60 } as const;
const orderId = z.string().min(1).max(64);
const epochMs = z.number().int().nonnegative().max(8_640_000_000_000_000);
/** A manager PIN as typed; its format (6–12 digits) is checked in main with a bilingual error. */
const pin = z.string().max(32);

/* ── 交班 (shift handover): the cashier on duty, ending a shift with the manager PIN, the history ── */

/** A shift's takings, yuan strings: paid orders created in the shift (docs/architecture.md, "Shift handover (交班)"). */
export interface ShiftTotalsDto {
  count: number;
  gross: string;
  refunded: string;
  /** 实收 = gross − refunded */
  net: string;
  byMethod: { provider: string; method: OrderMethodDto; count: number; gross: string; refunded: string; net: string }[];
  /** The same split by provider only; the rows add up to the totals. */
  byProvider: { provider: string; count: number; gross: string; refunded: string; net: string }[];
}

export interface ShiftDto {
  id: string;
  /** the cashier on duty */
  cashier: string;
  startedAt: number;
  /** null while open */
  endedAt: number | null;
  /** who handed over (the shift's cashier), once ended */
  endedBy: string | null;
  /** the next shift's cashier when ending it started one */
  handedTo: string | null;
  /** how the end was authorised: 'manager_pin', or 'none' while no manager PIN is set; null while open */
  authorization: 'manager_pin' | 'none' | null;
  /** open: live totals so far; ended: the snapshot stored when it ended */
  totals: ShiftTotalsDto;
}

export interface ShiftPageDto {
  items: ShiftDto[];
  nextCursor: string | null;
}

/** shift.end's answer: the ended shift with its snapshot, and the next shift when `nextCashier` was given. */
export interface ShiftEndDto {
  ended: ShiftDto;
  next: ShiftDto | null;
}

/** A cashier's name as typed: trimmed and checked in main (1–32 characters, no control characters), bilingual errors. */
const cashierName = z.string().max(256);

const shiftCommands = {
  /** The open shift with its totals so far, or null. */
  'shift.current': {
    input: z.strictObject({}),
    output: null as unknown as ShiftDto | null,
  },
  /** Open a shift for the cashier on duty (SHIFT_OPEN while one is open). */
  'shift.start': {
    input: z.strictObject({ cashier: cashierName }),
    output: null as unknown as ShiftDto,
  },
  /**
   * End the open shift `id` (the one shift.current showed) with the manager PIN and store its totals;
   * SHIFT_ALREADY_ENDED when it was ended already. With `nextCashier` the next shift starts at once.
   */
  'shift.end': {
    input: z.strictObject({ id: z.string().min(1).max(64), pin: pin.optional(), nextCashier: cashierName.optional() }),
    output: null as unknown as ShiftEndDto,
  },
  /** The history, newest first; ended shifts with their snapshot. */
  'shift.list': {
    input: z.strictObject({ cursor: z.string().max(256).optional(), limit: z.number().int().min(1).max(100).optional() }),
    output: null as unknown as ShiftPageDto,
  },
} as const;

/* ── 客显 (customer display): what the customer-facing screen shows; main owns it (docs/architecture.md, "Customer display") ── */

/** The shop name as typed; trimmed and checked in main (1–32 characters, no control characters), bilingual errors. */
export const SHOP_NAME_MAX = 32;

/** One QR on the customer display: the provider that carries it and the text to encode. */
export interface DisplayQrDto {
  provider: string;
  qrCode: string;
}

/**
 * What the customer display shows: idle (the shop name and, when one is set, the picture `pictureId` names:
 * fetch it with display.picture), a sale awaiting payment (the amount and, for a
 * QR sale, its QR — two for 双码; none for a 付款码 sale), paid (held a few seconds, then idle).
 */
export type DisplayStateDto =
  | { kind: 'idle'; shopName: string; pictureId: string | null }
  | { kind: 'awaiting'; shopName: string; amount: string; method: OrderMethodDto; qrs: DisplayQrDto[]; expiresAt: number | null; userPaying: boolean }
  | { kind: 'paid'; shopName: string; amount: string; provider: string };

/** The idle picture's formats: raster only (an SVG could carry script), sniffed from the bytes in main. */
export const DISPLAY_PICTURE_TYPES = ['image/png', 'image/jpeg', 'image/webp'] as const;
export type DisplayPictureType = (typeof DISPLAY_PICTURE_TYPES)[number];
/** The idle picture's largest file (bytes) and sides (px); a picture over these is refused in words. */
export const DISPLAY_PICTURE_MAX_BYTES = 2 * 1024 * 1024;
export const DISPLAY_PICTURE_MIN_SIDE = 32;
export const DISPLAY_PICTURE_MAX_SIDE = 8192;
/** The most pixels (width × height) a picture may decode to: 16 MP, about 64 MB decoded in the display's renderer. */
export const DISPLAY_PICTURE_MAX_PIXELS = 16 * 1024 * 1024;

/** The customer display's idle picture, as stored in main: `id` is its content hash (it changes when the picture does). */
export interface DisplayPictureDto {
  id: string;
  type: DisplayPictureType;
  width: number;
  height: number;
  bytes: number;
  /** data:<type>;base64,… — shown as an <img> (the page's policy allows data: images, nothing else from outside). */
  dataUrl: string;
}

/** display.open's answer: the browser host's display URL (with the display-only token) to open in a new window; null when the host opened the window itself (Electron). */
export interface DisplayOpenDto {
  url: string | null;
}

const displayCommands = {
  /** The customer display's state now (the only command the display's own capability may send). */
  'display.get': {
    input: z.strictObject({}),
    output: null as unknown as DisplayStateDto,
  },
  /** The idle picture, or null when none is set (the display's capability may send this too). */
  'display.picture': {
    input: z.strictObject({}),
    output: null as unknown as DisplayPictureDto | null,
  },
  /**
   * 设置待机图片: a PNG, JPEG or WebP file as base64 (at most DISPLAY_PICTURE_MAX_BYTES decoded). Main sniffs
   * the format from the bytes, reads the size from the header and checks the file is whole; a bad picture
   * is refused in words and the old one stays. Manager PIN as for settings.
   */
  'display.setPicture': {
    input: z.strictObject({
      image: z
        .string()
        .max(Math.ceil(DISPLAY_PICTURE_MAX_BYTES / 3) * 4 + 4)
        .regex(/^[A-Za-z0-9+/]*={0,2}$/, '不是 base64 / not base64'),
      pin: pin.optional(),
    }),
    output: null as unknown as DisplayPictureDto,
  },
  /** 移除待机图片: back to the shop name alone. Manager PIN as for settings. */
  'display.clearPicture': {
    input: z.strictObject({ pin: pin.optional() }),
    output: null as unknown as { cleared: boolean },
  },
  /** 打开客显: Electron opens the display window (on a second screen when there is one); the browser host answers the display page's URL. */
  'display.open': {
    input: z.strictObject({}),
    output: null as unknown as DisplayOpenDto,
  },
} as const;

/** channel → { input schema, output type }. Output types are carried by a phantom value. */
export const commands = {
  'orders.create': {
    input: z.strictObject({
      amount: yuan,
      subject: z.string().max(128).optional(),
      method: z.enum(ORDER_METHODS),
      authCode: z.string().max(64).optional(),
      /**
       * qr: which provider's QR, or 'dual' (双码); default 'alipay'. code: the 付款码's prefix picks the
       * provider (a different choice here is refused). link: Alipay only.
       */
      provider: z.enum(QR_CHOICES).optional(),
    }),
    output: null as unknown as CreatedOrderDto,
  },
  'orders.get': {
    input: z.strictObject({ id: orderId }),
    output: null as unknown as OrderDetailDto,
  },
  'orders.list': {
    input: z.strictObject({
      status: z.enum(ORDER_STATUSES).optional(),
      provider: z.enum(PROVIDER_IDS).optional(),
      from: epochMs.optional(),
      to: epochMs.optional(),
      q: z.string().max(64).optional(),
      cursor: z.string().max(256).optional(),
      limit: z.number().int().min(1).max(200).optional(),
    }),
    output: null as unknown as OrderPageDto,
  },
  'orders.cancel': {
    input: z.strictObject({ id: orderId }),
    output: null as unknown as OrderDto,
  },
  'orders.refund': {
    input: z.strictObject({
      id: orderId,
      amount: yuan,
      reason: z.string().max(256).optional(),
      /** the manager PIN, when the refund is above the PIN threshold */
      pin: pin.optional(),
    }),
    output: null as unknown as OrderDto,
  },
  'summary.today': {
    input: z.strictObject({
      /** local date YYYY-MM-DD; default today */
      date: z
        .string()
        .regex(/^\d{4}-\d{2}-\d{2}$/)
        .optional(),
    }),
    output: null as unknown as SummaryDto,
  },
  'settings.get': {
    input: z.strictObject({}),
    output: null as unknown as SettingsDto,
  },
  'settings.update': {
    input: z.strictObject({
      environment: z.enum(ENVIRONMENTS).optional(),
      /** Alipay's account fields; a field left out keeps its saved value */
      alipay: z
        .strictObject({
          appId: z.string().max(32).optional(),
          sellerId: z.string().max(32).optional(),
        })
        .optional(),
      /** WeChat Pay's account fields; a field left out keeps its saved value (formats are checked in main) */
      wechat: z
        .strictObject({
          mchId: z.string().max(32).optional(),
          appId: z.string().max(32).optional(),
          merchantSerialNo: z.string().max(64).optional(),
          publicKeyId: z.string().max(96).optional(),
        })
        .optional(),
      notifyMode: z.enum(NOTIFY_MODES).optional(),
      customNotifyUrl: z.string().max(2048).optional(),
      orderExpiryMinutes: z.number().int().min(1).max(120).optional(),
      voice: z.boolean().optional(),
      language: z.enum(LANGUAGES).optional(),
      tunnelHost: z.string().max(2048).optional(),
      /** localtunnel subdomains (TUNNEL_SUBDOMAIN_RE); '' = random */
      tunnelSubdomain: z.string().max(63).refine(isTunnelSubdomain, TUNNEL_SUBDOMAIN_MESSAGE).optional(),
      scanMaxGapMs: z.number().int().min(SCAN_GAP_MS.min).max(SCAN_GAP_MS.max).optional(),
      /** yuan strings, parsed strictly by main */
      confirmAbove: yuan.optional(),
      maxPerSale: yuan.optional(),
      /** the customer display's shop name (checked in main: 1–SHOP_NAME_MAX characters) */
      shopName: z.string().max(256).optional(),
      /** Receipts (小票); the shop name's content is checked in main (bilingual errors) */
      receipt: z
        .strictObject({
          shopName: z.string().max(200).optional(),
          paperWidth: z.enum(PAPER_WIDTHS).optional(),
          autoPrint: z.boolean().optional(),
        })
        .optional(),
      /** the manager PIN (needed once one is set, except for a patch of language/voice only) */
      pin: pin.optional(),
    }),
    output: null as unknown as SettingsDto,
  },
  /**
   * Import a provider's key (PEM PKCS#1/PKCS#8/SPKI or bare base64) into the vault; answers fingerprints
   * only. One variant per provider, each with its own key names.
   */
  'keys.import': {
    input: z.discriminatedUnion('provider', [
      z.strictObject({
        provider: z.literal('alipay'),
        which: z.enum(ALIPAY_KEY_FIELDS),
        text: z.string().min(1).max(KEY_TEXT_MAX),
        /** the manager PIN, once one is set */
        pin: pin.optional(),
      }),
      z.strictObject({
        provider: z.literal('wechat'),
        which: z.enum(WECHAT_KEY_FIELDS),
        text: z.string().min(1).max(KEY_TEXT_MAX),
        pin: pin.optional(),
      }),
    ]),
    output: null as unknown as SettingsDto,
  },
  /** 测试连接: a harmless signed query of a random non-existent trade with the saved settings and keys. */
  'keys.test': {
    /** which provider to ask (default alipay) */
    input: z.strictObject({ provider: z.enum(PROVIDER_IDS).optional() }),
    output: null as unknown as KeyTestDto,
  },
  /** The manager PIN: set or not, the refund threshold, a lockout. */
  'pin.status': {
    input: z.strictObject({}),
    output: null as unknown as PinStatusDto,
  },
  /** Set the first manager PIN, or change it (`current` required once one is set). */
  'pin.set': {
    input: z.strictObject({ current: pin.optional(), next: pin }),
    output: null as unknown as PinStatusDto,
  },
  /** Refunds up to `refundAbove` yuan need no PIN ("0" = every refund needs it). Needs the PIN. */
  'pin.refundThreshold': {
    input: z.strictObject({ refundAbove: yuan, pin: pin.optional() }),
    output: null as unknown as PinStatusDto,
  },
  'status.get': {
    input: z.strictObject({}),
    output: null as unknown as StatusDto,
  },
  ...shiftCommands,
  ...displayCommands,
} as const;

export type Channel = keyof typeof commands;
export const CHANNELS = Object.keys(commands) as Channel[];
export type CommandInput<C extends Channel> = z.input<(typeof commands)[C]['input']>;
export type ParsedInput<C extends Channel> = z.output<(typeof commands)[C]['input']>;
export type CommandOutput<C extends Channel> = (typeof commands)[C]['output'];

/* ── Events (main → renderer) ─────────────────────────────────────────────────────────────────── */

export interface ConsoleEvents {
  'order.updated': OrderDto;
  'refund.updated': RefundDto;
  'status.changed': StatusDto;
  /** The customer display's new state. */
  'display.updated': DisplayStateDto;
}
export type EventName = keyof ConsoleEvents;
export const EVENT_NAMES: EventName[] = ['order.updated', 'refund.updated', 'status.changed', 'display.updated'];
/** What the customer display may use: its own state and nothing else (the web bridge's display token, the display window's IPC). */
export const DISPLAY_CHANNELS: readonly Channel[] = ['display.get', 'display.picture'];
export const DISPLAY_EVENTS: readonly EventName[] = ['display.updated'];

/* ── Results ──────────────────────────────────────────────────────────────────────────────────── */

export interface ErrorInfo {
  /** stable code, e.g. AMOUNT_FORMAT, INVALID_INPUT, NOT_FOUND, REFUND_EXCEEDS, PROVIDER_ERROR */
  code: string;
  /** bilingual: 中文 / English */
  message: string;
}
export type Result<T> = { ok: true; value: T } | { ok: false; error: ErrorInfo };

/* ── The API object (preload, web client) ─────────────────────────────────────────────────────── */

/** 'orders.create' → 'ordersCreate' */
export type MethodName<C extends string> = C extends `${infer A}.${infer B}` ? `${A}${Capitalize<B>}` : C;
/** 'order.updated' → 'onOrderUpdated' */
export type EventMethodName<E extends string> = E extends `${infer A}.${infer B}` ? `on${Capitalize<A>}${Capitalize<B>}` : never;

export type ConsoleApi = {
  [C in Channel as MethodName<C>]: (input: CommandInput<C>) => Promise<Result<CommandOutput<C>>>;
} & {
  [E in EventName as EventMethodName<E>]: (listener: (payload: ConsoleEvents[E]) => void) => () => void;
};

/** Runtime twin of MethodName, for code that derives methods from the table. */
export function methodName<C extends Channel>(channel: C): MethodName<C> {
  const [a, b] = channel.split('.') as [string, string];
  return `${a}${b.charAt(0).toUpperCase()}${b.slice(1)}` as MethodName<C>;
}

/** Runtime twin of EventMethodName. */
export function eventMethodName<E extends EventName>(event: E): EventMethodName<E> {
  const [a, b] = event.split('.') as [string, string];
  const cap = (s: string): string => s.charAt(0).toUpperCase() + s.slice(1);
  return `on${cap(a)}${cap(b)}` as EventMethodName<E>;
}
