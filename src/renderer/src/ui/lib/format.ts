/** Display helpers: times in the cashier's local zone, day ranges for list filters. */

const pad = (n: number): string => String(n).padStart(2, '0');

/** "2026-11-22" for a local date. */
export function localDate(at: number | Date = new Date()): string {
  const d = at instanceof Date ? at : new Date(at);
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
}

/** [from, to) epoch ms of a local day "YYYY-MM-DD". */
export function dayRange(date: string): { from: number; to: number } {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  const from = new Date(y, m - 1, d).getTime();
  const to = new Date(y, m - 1, d + 1).getTime();
  return { from, to };
}

/** "14:05:09" */
export function formatTime(at: number): string {
  const d = new Date(at);
  return `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
}

/** "2026-11-22 14:05:09" */
export function formatDateTime(at: number | null): string {
  if (at === null) return '—';
  return `${localDate(at)} ${formatTime(at)}`;
}

/** Order list time: today's orders show only the time. */
export function formatListTime(at: number, now = Date.now()): string {
  return localDate(at) === localDate(now) ? formatTime(at) : formatDateTime(at);
}

/** "14:59" for a countdown in ms (never negative). */
export function formatCountdown(ms: number): string {
  const total = Math.max(0, Math.ceil(ms / 1000));
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  return h > 0 ? `${h}:${pad(m)}:${pad(s)}` : `${pad(m)}:${pad(s)}`;
}
