/**
 * One place that turns anything thrown by a handler into the contract's `{ code, message }`: bilingual
 * words for the cashier, never a stack trace; the detail goes to the log (docs/architecture.md,
 * Invariants: "Every outside call has a timeout and a clear error").
 */
import { z } from 'zod';
import type { ErrorInfo } from '../../shared/contract';
import { AmountError } from '../../shared/money';
import { PaymentError, type Logger } from '../kernel';
import { corruptMessage, isCorruptionError } from './db-integrity';

/** An error raised by the console itself (keys missing, not found…), with a stable code. */
export class ConsoleError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'ConsoleError';
  }
}

export const KEYS_MISSING_MESSAGE =
  '尚未配置支付宝密钥（应用私钥、支付宝公钥、AppID），无法收款或退款；请在「设置」中导入密钥并填写 AppID / Alipay keys are not configured (app private key, Alipay public key, app id): payments and refunds are disabled until they are imported in Settings and the app id is filled in';

export const INTERNAL_MESSAGE = '内部错误，请重试；详情已记录在日志中 / Internal error, please retry; the details are in the log';

/** Bilingual summary of a zod error: which fields, what is wrong (no input values echoed). */
export function invalidInput(error: z.ZodError): ErrorInfo {
  const clip = (text: string, max: number): string => (text.length > max ? `${text.slice(0, max)}…` : text);
  const issues = error.issues
    .slice(0, 3)
    .map((i) => {
      const where = i.path.length > 0 ? clip(i.path.map(String).join('.'), 64) : '(input)';
      // zod quotes unknown keys verbatim; name at most three, each clipped (the input is not echoed).
      const what =
        i.code === 'unrecognized_keys'
          ? `Unrecognized key(s): ${i.keys
              .slice(0, 3)
              .map((k) => `"${clip(k, 32)}"`)
              .join(', ')}${i.keys.length > 3 ? ` (+${i.keys.length - 3})` : ''}`
          : clip(i.message, 160);
      return `${where}: ${what}`;
    })
    .join('; ');
  return { code: 'INVALID_INPUT', message: `输入无效 / Invalid input — ${issues}` };
}

/**
 * Map a thrown value to ErrorInfo. Known errors keep their code and (already bilingual) message;
 * everything else becomes INTERNAL and is logged with its stack.
 */
export function toErrorInfo(err: unknown, logger: Logger, context: Record<string, unknown>): ErrorInfo {
  if (err instanceof z.ZodError) return invalidInput(err);
  if (err instanceof AmountError || err instanceof ConsoleError || err instanceof PaymentError) {
    return { code: err.code, message: err.message };
  }
  // The console maps these itself (with the file, and disables payments); any other caller still gets words.
  if (isCorruptionError(err)) {
    logger.error('order database corrupt', { ...context, error: err.message });
    return { code: 'DATABASE_CORRUPT', message: corruptMessage(null, `${err.code}: ${err.message}`) };
  }
  // The core may be bundled separately (another copy of the class): accept the same shape by name.
  // KeyError / VaultError (keys, vault) carry stable codes and bilingual messages without secrets.
  if (
    err instanceof Error &&
    (err.name === 'PaymentError' || err.name === 'KeyError' || err.name === 'VaultError') &&
    typeof (err as { code?: unknown }).code === 'string'
  ) {
    return { code: (err as Error & { code: string }).code, message: err.message };
  }
  logger.error('unexpected error in a console command', {
    ...context,
    error: err instanceof Error ? (err.stack ?? err.message) : String(err),
  });
  return { code: 'INTERNAL', message: INTERNAL_MESSAGE };
}
