/**
 * `state.json` in `--state-dir`: the emulator's Alipay key pair, the registered apps (the default one
 * with its generated private key) and the trades, so credentials and trades survive restarts
 * (docs/emulator.md "Start"). Written atomically (temp file + rename).
 */
import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import type { PemKeyPair } from './signing';
import type { AppRecord, TradeRecord } from './types';
import { toWechatState, wechatStateSchema, type WechatState } from './wechat/state';

/** What is persisted. */
export interface EmulatorState {
  version: 1;
  alipay: PemKeyPair;
  apps: AppRecord[];
  trades: TradeRecord[];
  /** The WeChat Pay side (absent in files written before it existed: generated on start). */
  wechat?: WechatState;
}

const appSchema = z.object({
  appId: z.string(),
  sellerId: z.string(),
  publicKeyPem: z.string(),
  privateKeyPem: z.string().optional(),
});

const stateSchema = z.object({
  version: z.literal(1),
  alipay: z.object({ privateKeyPem: z.string(), publicKeyPem: z.string() }),
  apps: z.array(appSchema).min(1),
  // Trades are written by this code only; checked shallowly.
  trades: z.array(z.object({ appId: z.string(), outTradeNo: z.string(), tradeNo: z.string(), status: z.string() }).passthrough()),
  wechat: wechatStateSchema.optional(),
});

/** Path of the state file inside a state dir. */
export function stateFilePath(stateDir: string): string {
  return path.join(stateDir, 'state.json');
}

/**
 * The error for a state file that cannot be used: names the file, Chinese first, English too, and never
 * quotes its content (it holds private keys).
 */
function unusable(file: string, zh: string, en: string): Error {
  return new Error(
    `模拟器状态文件无法使用：${file}（${zh}）。请修复或移走该文件后重新启动（移走会丢失演示订单和演示密钥） / ` +
      `The emulator state file cannot be used: ${file} (${en}). Repair or move it away, then start again (moving it loses the demo trades and demo keys)`,
  );
}

/** Load the state of a state dir; undefined when there is none yet. Throws, naming the file, on a corrupt one. */
export function loadState(stateDir: string): EmulatorState | undefined {
  const file = stateFilePath(stateDir);
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return undefined;
    throw unusable(file, `无法读取：${code ?? '未知错误'}`, `cannot read it: ${code ?? (e as Error).message}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw unusable(file, text.trim() === '' ? '文件为空' : '不是有效的 JSON', text.trim() === '' ? 'the file is empty' : 'not valid JSON');
  }
  const parsed = stateSchema.safeParse(json);
  if (!parsed.success) {
    const where = [...new Set(parsed.error.issues.map((i) => i.path.join('.') || '(root)'))].slice(0, 5).join(', ');
    throw unusable(file, `不是模拟器状态文件：${where}`, `not an emulator state file: ${where}`);
  }
  const state: EmulatorState = {
    version: 1,
    alipay: parsed.data.alipay,
    apps: parsed.data.apps.map((a) => {
      const app: AppRecord = { appId: a.appId, sellerId: a.sellerId, publicKeyPem: a.publicKeyPem };
      if (a.privateKeyPem) app.privateKeyPem = a.privateKeyPem;
      return app;
    }),
    trades: parsed.data.trades as unknown as TradeRecord[],
  };
  if (parsed.data.wechat) state.wechat = toWechatState(parsed.data.wechat);
  return state;
}

/** Save the state atomically (mode 0600: it holds private keys). */
export function saveState(stateDir: string, state: EmulatorState): void {
  fs.mkdirSync(stateDir, { recursive: true });
  const file = stateFilePath(stateDir);
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, JSON.stringify(state, null, 1), { mode: 0o600 });
  fs.renameSync(tmp, file);
}
