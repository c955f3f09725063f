/** The little logger the Electron glue writes to (main process stdout/stderr). Never log secrets. */
export interface ShellLogger {
  info(message: string): void;
  warn(message: string): void;
  error(message: string, err?: unknown): void;
}

export const consoleLogger: ShellLogger = {
  info: (m) => console.log(`[paydesk] ${m}`),
  warn: (m) => console.warn(`[paydesk] ${m}`),
  error: (m, err) => console.error(`[paydesk] ${m}`, err ?? ''),
};
