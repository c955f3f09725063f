/**
 * The application menu, bilingual (中文 / English): reload, zoom, quit, the standard Edit roles
 * (without them copy/paste shortcuts do not work in text fields on macOS), and DevTools in dev only.
 */
import { Menu, type MenuItemConstructorOptions } from 'electron';

export interface MenuOptions {
  devTools: boolean;
  platform: NodeJS.Platform;
}

/** The menu template (pure, so it can be tested without building a native menu). */
export function menuTemplate(opts: MenuOptions): MenuItemConstructorOptions[] {
  const mac = opts.platform === 'darwin';
  const view: MenuItemConstructorOptions[] = [
    { role: 'reload', label: '重新加载 Reload' },
    { role: 'resetZoom', label: '实际大小 Actual Size' },
    { role: 'zoomIn', label: '放大 Zoom In' },
    { role: 'zoomOut', label: '缩小 Zoom Out' },
    { type: 'separator' },
    { role: 'togglefullscreen', label: '全屏 Full Screen' },
  ];
  if (opts.devTools) view.push({ type: 'separator' }, { role: 'toggleDevTools', label: '开发者工具 Developer Tools' });
  return [
    ...(mac ? [{ role: 'appMenu' } satisfies MenuItemConstructorOptions] : []),
    {
      label: '文件 File',
      submenu: [mac ? { role: 'close', label: '关闭窗口 Close Window' } : { role: 'quit', label: '退出 Quit' }],
    },
    {
      label: '编辑 Edit',
      submenu: [
        { role: 'undo', label: '撤销 Undo' },
        { role: 'redo', label: '重做 Redo' },
        { type: 'separator' },
        { role: 'cut', label: '剪切 Cut' },
        { role: 'copy', label: '复制 Copy' },
        { role: 'paste', label: '粘贴 Paste' },
        { role: 'selectAll', label: '全选 Select All' },
      ],
    },
    { label: '视图 View', submenu: view },
  ];
}

/** Build and install the application menu. */
export function installMenu(opts: MenuOptions): void {
  Menu.setApplicationMenu(Menu.buildFromTemplate(menuTemplate(opts)));
}
