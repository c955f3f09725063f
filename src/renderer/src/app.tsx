import type { ConsoleApi } from '../../shared/contract';
import { ConsoleApp } from './ui/console-app';

/**
 * Root component: the counter console (src/renderer/src/ui) — 收款 / 订单 / 今日 / 设置 and the status
 * bar. `data-app-state` is `loading` until status.get answered, then `ready` (tests wait on it), or
 * `error` when main cannot be reached.
 */
export function App({ api }: { api: ConsoleApi }): React.JSX.Element {
  return <ConsoleApp api={api} />;
}
