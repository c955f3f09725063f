import { fileURLToPath } from 'node:url';
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

/**
 * The layer boundaries in eslint.config.js (kernel ← domain ← {store, http, providers} ← payments ←
 * console ← {electron, web}; the renderer never imports src/main) are real build failures: this lints small in-memory files at
 * paths inside each layer with the repository's own config, so a boundary cannot vanish unnoticed.
 * Only the import rule runs, without type information, to keep it fast.
 */
const RULE = '@typescript-eslint/no-restricted-imports';
/** Three levels up: from src/renderer/src/ui/ to src/. */
const UP3 = '../'.repeat(3);
const root = fileURLToPath(new URL('../..', import.meta.url));

const eslint = new ESLint({
  cwd: root,
  overrideConfig: { languageOptions: { parserOptions: { projectService: false, project: false } } },
  ruleFilter: ({ ruleId }) => ruleId === RULE,
});

async function importErrors(filePath: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: `${root}/${filePath}` });
  expect(result?.messages.filter((m) => m.ruleId !== RULE)).toEqual([]);
  return (result?.messages ?? []).map((m) => m.message);
}

describe('import boundaries', () => {
  it('kernel imports nothing of ours', async () => {
    const errors = await importErrors('src/main/kernel/new-thing.ts', "import { Order } from '../domain/order';\nexport type X = Order;\n");
    expect(errors).toHaveLength(1);
    expect(errors[0]).toContain('kernel imports nothing of ours');
  });

  it('domain may import kernel and nothing else of ours', async () => {
    expect(await importErrors('src/main/domain/new-thing.ts', "import { systemClock } from '../kernel/clock';\nexport const c = systemClock;\n")).toEqual([]);
    const errors = await importErrors('src/main/domain/new-thing.ts', "import { toFen } from '../../shared/money';\nexport const f = toFen;\n");
    expect(errors).toHaveLength(1);
    expect(errors[0]).toContain('domain imports only kernel');
  });

  it('payments imports no provider, transport or host, also not as a type', async () => {
    const code = [
      "import type { AlipayProvider } from '../providers/alipay/provider';",
      "import { startWebHost } from '../web/server';",
      "import { app } from 'electron';",
      "import { Order } from '../domain/order';",
      'export type X = [AlipayProvider, typeof startWebHost, typeof app, Order];',
    ].join('\n');
    const errors = await importErrors('src/main/payments/new-thing.ts', code);
    expect(errors).toHaveLength(3);
    for (const e of errors) expect(e).toContain('payments is provider-neutral');
  });

  it('payments may build on store and http; a provider adapter sees neither them nor payments', async () => {
    const infra =
      "import { openStore } from '../store';\nimport { startNotifyServer } from '../http/notify-server';\nexport const x = [openStore, startNotifyServer];\n";
    expect(await importErrors('src/main/payments/new-thing.ts', infra)).toEqual([]);
    const code = [
      "import { Ledger } from '../../payments/ledger';",
      "import { openStore } from '../../store';",
      "import type { PaymentProvider } from '../../domain';",
      'export type X = [Ledger, typeof openStore, PaymentProvider];',
    ].join('\n');
    const errors = await importErrors('src/main/providers/toy/new-thing.ts', code);
    expect(errors).toHaveLength(2);
    for (const e of errors) expect(e).toContain('providers import only kernel, domain and shared');
  });

  it('store and http import only kernel and domain', async () => {
    const errors = await importErrors('src/main/http/new-thing.ts', "import { Ledger } from '../payments/ledger';\nexport type X = Ledger;\n");
    expect(errors).toHaveLength(1);
    expect(errors[0]).toContain('store and http import only kernel and domain');
  });

  it('the renderer imports neither src/main nor Node builtins', async () => {
    const code = [
      // (paths relative to the in-memory file in src/renderer/src/ui/)
      `import { Emitter } from '${UP3}main/kernel/emitter';`,
      "import { readFileSync } from 'node:fs';",
      "import { join } from 'path';",
      `import { toFen } from '${UP3}shared/money';`,
      'export const x = [Emitter, readFileSync, join, toFen];',
    ].join('\n');
    const errors = await importErrors('src/renderer/src/ui/new-thing.tsx', code);
    expect(errors).toHaveLength(3);
    expect(errors[0]).toContain('never imports src/main');
  });
});
