import { useEffect, useState } from 'react';
import type { ConsoleApi, StatusDto } from '../../shared/contract';
import { Checkout } from './checkout';

const MODE_LABELS: Record<StatusDto['providerMode'], string> = {
  demo: '演示模式 / Demo (embedded emulator)',
  sandbox: '沙箱 / Alipay sandbox',
  production: '正式环境 / Production',
};

/**
 * Root component. `data-app-state` is `loading` until the API answered status.get, then `ready`
 * (tests wait on it) or `error` when main cannot be reached.
 */
export function App({ api }: { api: ConsoleApi }): React.JSX.Element {
  const [status, setStatus] = useState<StatusDto | null>(null);
  const [failure, setFailure] = useState<string | null>(null);

  useEffect(() => {
    let live = true;
    void api.statusGet({}).then((result) => {
      if (!live) return;
      if (result.ok) setStatus(result.value);
      else setFailure(result.error.message);
    });
    const off = api.onStatusChanged((next) => setStatus(next));
    return () => {
      live = false;
      off();
    };
  }, [api]);

  const state = status ? 'ready' : failure ? 'error' : 'loading';
  return (
    <main data-app-state={state} className="app">
      <header>
        <h1>PayDesk 收银台</h1>
        {status && (
          <span className={`mode mode-${status.providerMode}`} data-testid="provider-mode">
            {MODE_LABELS[status.providerMode]}
          </span>
        )}
      </header>
      {failure && (
        <p className="error" role="alert" data-testid="app-error">
          {failure}
        </p>
      )}
      {status && status.warnings.length > 0 && (
        <ul className="warnings" data-testid="warnings">
          {status.warnings.map((w) => (
            <li key={w}>{w}</li>
          ))}
        </ul>
      )}
      {status && <Checkout api={api} />}
    </main>
  );
}
