/**
 * 测试连接: one harmless signed `alipay.trade.query` of a random out_trade_no through the official
 * alipay-sdk with `validateSign: true`. A correctly signed `ACQ.TRADE_NOT_EXIST` proves all three
 * things at once: the gateway is reachable, it accepted our request signature (the registered app
 * public key matches our private key), and its answer verifies with our Alipay public key.
 *
 * How failures are told apart (Alipay's public error codes, checked against alipay-sdk 4.14 and the emulator):
 * - signed `isv.invalid-signature` (the SDK verified the answer, so the Alipay key is right) →
 *   APP_KEY_MISMATCH: the app public key registered on the open platform is not this private key's.
 * - the SDK throws "验签失败…" (response signature does not verify) → ALIPAY_KEY_WRONG.
 * - `isv.invalid-app-id` comes UNSIGNED under error_response; with validateSign the SDK then throws a
 *   raw TypeError (`verify(…, undefined)`) that carries no body, so we repeat the (harmless) query
 *   once without validation only to read sub_code, and report INVALID_APP_ID. Nothing from that
 *   unverified answer is trusted beyond choosing the explanation.
 * - urllib's HttpClientRequestTimeoutError → TIMEOUT; ECONNREFUSED / ENOTFOUND / … → NETWORK.
 */
import { randomBytes } from 'node:crypto';
import { AlipayRequestError, AlipaySdk } from 'alipay-sdk';
import type { Logger } from '../../kernel';

export type ConnectionTestCode = 'APP_KEY_MISMATCH' | 'ALIPAY_KEY_WRONG' | 'INVALID_APP_ID' | 'TIMEOUT' | 'NETWORK' | 'KEYS_MISSING' | 'UNEXPECTED';

export type ConnectionTestResult = { ok: true; detail: string } | { ok: false; code: ConnectionTestCode; message: string };

export interface ConnectionTestInput {
  appId: string;
  gateway: string;
  /** default 10 s */
  timeoutMs?: number;
  privateKeyPem: string;
  alipayPublicKeyPem: string;
  /** default: a fresh random PDTEST… number, so the trade cannot exist */
  outTradeNo?: string;
  log: Logger;
}

export const DEFAULT_TEST_TIMEOUT_MS = 10_000;

/** A random order number no real trade has: the query must answer "trade does not exist". */
export function testTradeNo(now = Date.now()): string {
  return `PDTEST${now}${randomBytes(6).toString('hex')}`;
}

const METHOD = 'alipay.trade.query';

/** The bilingual explanations, one per outcome. */
export const connectionMessages = {
  ok: (ms?: number) =>
    `连接正常：网关接受了请求签名，应答的签名也验证通过（查询一笔不存在的测试订单，返回“交易不存在”属正常）${ms !== undefined ? `，用时 ${ms} ms` : ''} / ` +
    `Connection OK: the gateway accepted our request signature and its answer verified with the Alipay public key ` +
    `(a query of a non-existent test order answering "trade does not exist" is expected)${ms !== undefined ? `, ${ms} ms` : ''}`,
  appKeyMismatch: () =>
    `支付宝拒绝了请求签名（isv.invalid-signature）：开放平台上登记的「应用公钥」与这里的「应用私钥」不是一对。` +
    `请把密钥工具为这把私钥生成的应用公钥上传到开放平台「接口加签方式」，或导入与已登记公钥配对的私钥 / ` +
    `Alipay rejected the request signature (isv.invalid-signature): the app public key registered on the open platform ` +
    `does not match this app private key. Upload the app public key your key tool generated with this private key to the open platform's "interface ` +
    `signing method", or import the private key that belongs to the registered public key`,
  alipayKeyWrong: (alsoAppKey: boolean) =>
    `支付宝应答的签名无法用这里的「支付宝公钥」验证：支付宝公钥填错了（常见：填成了应用公钥，或是另一个应用/沙箱的支付宝公钥）。` +
    `请在开放平台「接口加签方式」复制「支付宝公钥」重新导入` +
    (alsoAppKey ? '。另外，未验签的应答显示请求签名也被拒绝（isv.invalid-signature），应用公钥也需检查' : '') +
    ` / The answer's signature does not verify with this Alipay public key: the Alipay public key is wrong (often: the ` +
    `app public key pasted instead, or the Alipay key of another app or of the sandbox). Copy the "Alipay public key" from ` +
    `the open platform's "interface signing method" page and import it again` +
    (alsoAppKey ? '. The unverified answer also says the request signature was rejected (isv.invalid-signature): check the app public key too' : ''),
  appIdMissing: () => '请先在「设置」中填写 AppID / Fill in the app id in Settings first',
  invalidAppId: (appId: string) =>
    `支付宝不认识这个 App ID（isv.invalid-app-id）：${appId || '（空）'}。请核对开放平台上的 APPID，并确认网关地址与之匹配（正式环境与沙箱的 APPID 不通用） / ` +
    `Alipay does not know this App ID (isv.invalid-app-id): ${appId || '(empty)'}. Check the APPID on the open platform and ` +
    `that the gateway matches it (production and sandbox app ids are not interchangeable)`,
  timeout: (ms: number) =>
    `连接超时（${ms} ms 内没有应答）：请检查网络、代理或防火墙，稍后重试 / ` +
    `Timed out (no answer within ${ms} ms): check the network, proxy or firewall, and try again`,
  network: (gateway: string, code: string) =>
    `无法连接支付宝网关 ${gateway}（${code}）：请检查网络连接和网关地址 / ` +
    `Cannot reach the Alipay gateway ${gateway} (${code}): check the network connection and the gateway address`,
  http: (status: string) =>
    `网关返回 HTTP 错误（${status}）：网关地址可能不对，或支付宝暂时不可用 / ` +
    `The gateway answered with an HTTP error (${status}): the gateway address may be wrong, or Alipay is temporarily unavailable`,
  notAlipay: () =>
    `网关的应答不像支付宝：请核对网关地址（正式 https://openapi.alipay.com/gateway.do） / ` +
    `The gateway's answer does not look like Alipay's: check the gateway address (production https://openapi.alipay.com/gateway.do)`,
  unexpected: (code: string, subCode: string, subMsg: string) =>
    `支付宝返回了意外的结果：${code} ${subCode} ${subMsg} / Alipay answered unexpectedly: ${code} ${subCode} ${subMsg}`.replace(/\s+\//, ' /'),
  noPermission: (subCode: string) =>
    `密钥正确，但该应用没有调用交易接口的权限（${subCode}）：请在开放平台为应用签约并开通「当面付」 / ` +
    `The keys are right, but this app may not call the trade APIs (${subCode}): sign up for and enable "Face-to-Face Payment" (当面付) for the app on the open platform`,
};

type Fail = Extract<ConnectionTestResult, { ok: false }>;
const fail = (code: ConnectionTestCode, message: string): Fail => ({ ok: false, code, message });

/** The Alipay response fields we look at (camelcase off: Alipay's own names). */
interface GatewayAnswer {
  code?: string;
  msg?: string;
  sub_code?: string;
  sub_msg?: string;
}

function classifyAnswer(data: GatewayAnswer, appId: string): ConnectionTestResult {
  const code = data.code ?? '';
  const sub = data.sub_code ?? '';
  if (code === '10000' || sub === 'ACQ.TRADE_NOT_EXIST') return { ok: true, detail: connectionMessages.ok() };
  if (sub === 'isv.invalid-signature') return fail('APP_KEY_MISMATCH', connectionMessages.appKeyMismatch());
  if (sub === 'isv.invalid-app-id' || sub === 'isv.missing-app-id') return fail('INVALID_APP_ID', connectionMessages.invalidAppId(appId));
  if (code === '40006' || sub.startsWith('isv.insufficient')) return fail('UNEXPECTED', connectionMessages.noPermission(sub || code));
  return fail('UNEXPECTED', connectionMessages.unexpected(code, sub, data.sub_msg ?? data.msg ?? ''));
}

/** sub_code of a raw gateway body, without trusting anything else in it. */
function rawSubCode(raw: unknown): string | null {
  if (typeof raw !== 'string') return null;
  const m = /"sub_code"\s*:\s*"([^"]*)"/.exec(raw);
  return m?.[1] ?? null;
}

const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ECONNRESET',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EPIPE',
  'ECONNABORTED',
  'UND_ERR_SOCKET',
  'UND_ERR_CONNECT_TIMEOUT',
  'CERT_HAS_EXPIRED',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
]);

function classifyTransport(err: AlipayRequestError, input: ConnectionTestInput): Fail | null {
  // Only the SDK's "HttpClient Request error…" wraps a transport failure (other causes: JSON parse).
  const cause = err.cause as (Error & { code?: string }) | undefined;
  if (!cause || !err.message.startsWith('HttpClient Request error')) return null;
  if (/timeout/i.test(cause.name) || cause.code === 'UND_ERR_HEADERS_TIMEOUT' || cause.code === 'UND_ERR_BODY_TIMEOUT' || cause.code === 'ETIMEDOUT') {
    return fail('TIMEOUT', connectionMessages.timeout(input.timeoutMs ?? DEFAULT_TEST_TIMEOUT_MS));
  }
  const code = cause.code ?? (cause.cause as { code?: string } | undefined)?.code ?? cause.name;
  if (NETWORK_CODES.has(code) || /^E[A-Z]+$/.test(code)) return fail('NETWORK', connectionMessages.network(input.gateway, code));
  return fail('NETWORK', connectionMessages.network(input.gateway, code || 'error'));
}

/** Run the test. Never throws: every failure becomes a coded, bilingual result. */
export async function runConnectionTest(input: ConnectionTestInput): Promise<ConnectionTestResult> {
  if (!input.appId.trim()) return fail('INVALID_APP_ID', connectionMessages.appIdMissing());
  const timeoutMs = input.timeoutMs ?? DEFAULT_TEST_TIMEOUT_MS;
  try {
    const gatewayUrl = new URL(input.gateway);
    if (gatewayUrl.protocol !== 'https:' && gatewayUrl.protocol !== 'http:') throw new Error('protocol');
  } catch {
    return fail('NETWORK', connectionMessages.network(input.gateway, 'invalid URL'));
  }
  const makeSdk = (): AlipaySdk =>
    new AlipaySdk({
      appId: input.appId.trim(),
      // The SDK re-wraps key text according to keyType (default PKCS1): our stored PEM is PKCS#8.
      privateKey: input.privateKeyPem.trim(),
      keyType: 'PKCS8',
      alipayPublicKey: input.alipayPublicKeyPem.trim(),
      gateway: input.gateway,
      timeout: timeoutMs,
      camelcase: false,
    });
  const bizContent = { out_trade_no: input.outTradeNo ?? testTradeNo() };
  let sdk: AlipaySdk;
  try {
    sdk = makeSdk();
  } catch (err) {
    input.log.error('connection test: SDK setup failed', { err });
    return fail('UNEXPECTED', connectionMessages.unexpected('SDK', 'setup', err instanceof Error ? err.name : 'error'));
  }
  try {
    const data = (await sdk.exec(METHOD, { bizContent }, { validateSign: true })) as GatewayAnswer;
    return classifyAnswer(data, input.appId);
  } catch (err) {
    input.log.warn('connection test: request failed', { err });
    if (err instanceof AlipayRequestError) {
      const transport = classifyTransport(err, input);
      if (transport) return transport;
      if (/验签失败/.test(err.message)) {
        const sub = rawSubCode(err.responseDataRaw);
        if (sub === 'isv.invalid-app-id') return fail('INVALID_APP_ID', connectionMessages.invalidAppId(input.appId));
        return fail('ALIPAY_KEY_WRONG', connectionMessages.alipayKeyWrong(sub === 'isv.invalid-signature'));
      }
      const status = /status: (\d+)/.exec(err.message);
      if (status) return fail('UNEXPECTED', connectionMessages.http(status[1] ?? '?'));
      return fail('UNEXPECTED', connectionMessages.notAlipay());
    }
    // An unsigned answer (error_response, typically isv.invalid-app-id) makes the SDK's verify() throw
    // a raw TypeError with no body attached (Alipay returns it unsigned). Read the code with one unverified query.
    if (err instanceof TypeError) {
      try {
        const data = (await sdk.exec(METHOD, { bizContent }, { validateSign: false })) as GatewayAnswer;
        const sub = data.sub_code ?? '';
        if (sub === 'isv.invalid-app-id' || sub === 'isv.missing-app-id') return fail('INVALID_APP_ID', connectionMessages.invalidAppId(input.appId));
        return fail('UNEXPECTED', connectionMessages.unexpected(data.code ?? '', sub || 'unsigned', data.sub_msg ?? data.msg ?? ''));
      } catch (err2) {
        input.log.warn('connection test: unverified retry failed', { err: err2 });
        if (err2 instanceof AlipayRequestError) {
          const transport = classifyTransport(err2, input);
          if (transport) return transport;
        }
      }
    }
    return fail('UNEXPECTED', connectionMessages.unexpected('', '', err instanceof Error ? err.name : 'error'));
  }
}
