/**
 * The emulated WeChat Pay merchant and its keys (docs/emulator.md "WeChat Pay"): the merchant's API key
 * pair and certificate serial number (商户API证书序列号), the APIv3 key (AES-256-GCM for notifications and
 * /v3/certificates), a platform certificate (平台证书, a real X.509 certificate made with @peculiar/x509)
 * and the WeChat Pay public key (微信支付公钥) with its `PUB_KEY_ID_…` id. Generated once (three 2048-bit
 * RSA pairs, in parallel off the main thread, once per process) and kept in the state file.
 * Not modelled: several merchants, certificate rotation (one platform certificate), the merchant's own API
 * certificate (only its serial number is used).
 */
import { randomBytes, randomInt, webcrypto } from 'node:crypto';
import { generateRsaKeyPair, type PemKeyPair } from '../signing';

/** A merchant's API key pair with its certificate serial number (40 hex digits). */
export interface SerialKeyPair extends PemKeyPair {
  serialNo: string;
}

/** The platform certificate (平台证书) and its key. */
export interface PlatformCert extends SerialKeyPair {
  /** Made on first need (GET /v3/certificates): loading @peculiar/x509 costs more than the whole start. */
  certificatePem?: string;
  /** epoch ms */
  effectiveTime: number;
  expireTime: number;
}

/** Everything the WeChat side of the emulator persists about keys and the default merchant. */
export interface WechatKeys {
  mchid: string;
  appid: string;
  /** 32 ASCII characters (APIv3密钥). */
  apiV3Key: string;
  merchant: SerialKeyPair;
  platform: PlatformCert;
  /** 微信支付公钥 and its id (`PUB_KEY_ID_` + digits). */
  wechatpay: PemKeyPair & { publicKeyId: string };
}

/** Pre-generated RSA pairs a test suite may pass to skip key generation. */
export interface WechatKeyPairs {
  merchant?: PemKeyPair;
  platform?: PemKeyPair;
  wechatpay?: PemKeyPair;
}

const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** Random characters of ALNUM. */
export function randomAlnum(n: number): string {
  let s = '';
  for (let i = 0; i < n; i += 1) s += ALNUM[randomInt(ALNUM.length)];
  return s;
}

/** Random decimal digits. */
export function randomDigits(n: number): string {
  let s = '';
  for (let i = 0; i < n; i += 1) s += String(randomInt(10));
  return s;
}

/** A positive certificate serial: 40 upper-case hex digits, first below 8 (DER INTEGER stays positive). */
function newSerial(): string {
  return `${randomInt(1, 8).toString(16)}${randomBytes(20).toString('hex').slice(1)}`.toUpperCase();
}

const ALG = { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' } as const;

function pemBody(pem: string): Buffer {
  return Buffer.from(pem.replace(/-----[^-]+-----/g, '').replace(/\s+/g, ''), 'base64');
}

/** A platform certificate for `pair`, issued in the name of Tenpay's CA (self-signed: nobody checks the chain). */
async function makeCertificate(pair: PemKeyPair, serialNo: string, mchid: string, notBefore: Date, notAfter: Date): Promise<string> {
  // @peculiar/x509 (through tsyringe) needs the Reflect metadata API; loaded only when a certificate is made.
  await import('reflect-metadata');
  const x509 = await import('@peculiar/x509');
  const subtle = webcrypto.subtle;
  const privateKey = await subtle.importKey('pkcs8', pemBody(pair.privateKeyPem), ALG, false, ['sign']);
  const publicKey = await subtle.importKey('spki', pemBody(pair.publicKeyPem), ALG, true, ['verify']);
  const cert = await x509.X509CertificateGenerator.create(
    {
      serialNumber: serialNo.toLowerCase(),
      issuer: 'C=CN, O=Tenpay.com, OU=Tenpay.com CA Center, CN=Tenpay.com Root CA',
      subject: `C=CN, ST=Guangdong, L=Shenzhen, O=Tenpay.com, OU=Tenpay.com CA Center, CN=Tenpay.com sign ${mchid}`,
      notBefore,
      notAfter,
      signingAlgorithm: ALG,
      publicKey,
      signingKey: privateKey,
      extensions: [
        new x509.BasicConstraintsExtension(false, undefined, true),
        new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.nonRepudiation | x509.KeyUsageFlags.keyEncipherment, true),
      ],
    },
    webcrypto,
  );
  return cert.toString('pem');
}

/** Make (once) and return the platform certificate PEM of `keys`; the caller persists the keys. */
export async function ensureCertificate(keys: WechatKeys): Promise<string> {
  const p = keys.platform;
  p.certificatePem ??= await makeCertificate(p, p.serialNo, keys.mchid, new Date(p.effectiveTime), new Date(p.expireTime));
  return p.certificatePem;
}

let processPairs: Promise<PemKeyPair[]> | undefined;

/**
 * The RSA pairs of merchants made in this process: generated once (three in parallel) and shared, so the
 * many in-memory emulators a test run starts (most never touch WeChat) do not each pay for three more
 * 2048-bit generations. Every merchant still gets its own mchid, appid, serial numbers, key id and APIv3 key.
 */
function sharedPairs(): Promise<PemKeyPair[]> {
  processPairs ??= Promise.all([generateRsaKeyPair(), generateRsaKeyPair(), generateRsaKeyPair()]).catch((e: unknown) => {
    processPairs = undefined;
    throw e;
  });
  return processPairs;
}

/** Generate a new merchant with its keys (RSA pairs: `pairs`, else the process's shared ones). */
export async function generateWechatKeys(now: number, pairs: WechatKeyPairs = {}): Promise<WechatKeys> {
  const needShared = !pairs.merchant || !pairs.platform || !pairs.wechatpay;
  const shared = needShared ? await sharedPairs() : [];
  const pick = (own: PemKeyPair | undefined, i: number): PemKeyPair => {
    const pair = own ?? shared[i];
    if (!pair) throw new Error(`wechat emulator: shared key pair ${i} missing`);
    return pair;
  };
  const merchant = pick(pairs.merchant, 0);
  const platform = pick(pairs.platform, 1);
  const wechatpay = pick(pairs.wechatpay, 2);
  const mchid = `16${randomDigits(8)}`;
  const platformSerial = newSerial();
  // Platform certificates are valid five years (the /v3/certificates examples show effective → expire).
  const effective = now - 86_400_000;
  const expire = now + 5 * 365 * 86_400_000;
  return {
    mchid,
    appid: `wx${randomBytes(8).toString('hex')}`,
    apiV3Key: randomAlnum(32),
    merchant: { ...merchant, serialNo: newSerial() },
    platform: {
      ...platform,
      serialNo: platformSerial,
      effectiveTime: effective,
      expireTime: expire,
    },
    wechatpay: { ...wechatpay, publicKeyId: `PUB_KEY_ID_01${mchid}${randomDigits(20)}` },
  };
}
