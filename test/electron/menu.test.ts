import type { MenuItemConstructorOptions } from 'electron';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { electron, resetFakeElectron } from './fake-electron';
import { installMenu, menuTemplate } from '../../src/main/electron/menu';

vi.mock('electron', async () => (await import('./fake-electron')).electron);

function roles(items: MenuItemConstructorOptions[]): string[] {
  return items.flatMap((item) => [...(item.role ? [item.role] : []), ...(Array.isArray(item.submenu) ? roles(item.submenu) : [])]);
}

function labels(items: MenuItemConstructorOptions[]): string[] {
  return items.flatMap((item) => [...(item.label ? [item.label] : []), ...(Array.isArray(item.submenu) ? labels(item.submenu) : [])]);
}

beforeEach(() => resetFakeElectron());

describe('menu', () => {
  it('has reload and quit, and DevTools only in dev', () => {
    const prod = menuTemplate({ devTools: false, platform: 'linux' });
    expect(roles(prod)).toEqual(expect.arrayContaining(['reload', 'quit', 'copy', 'paste']));
    expect(roles(prod)).not.toContain('toggleDevTools');
    expect(roles(menuTemplate({ devTools: true, platform: 'linux' }))).toContain('toggleDevTools');
  });

  it('is bilingual', () => {
    for (const label of labels(menuTemplate({ devTools: true, platform: 'win32' }))) {
      expect(label).toMatch(/[\u4e00-\u9fff].* [A-Za-z]/);
    }
  });

  it('uses the macOS app menu (with its Quit) on darwin', () => {
    const mac = menuTemplate({ devTools: false, platform: 'darwin' });
    expect(mac[0]).toEqual({ role: 'appMenu' });
  });

  it('installs the built menu', () => {
    installMenu({ devTools: false, platform: 'linux' });
    expect(electron.Menu.buildFromTemplate).toHaveBeenCalledTimes(1);
    expect(electron.Menu.setApplicationMenu).toHaveBeenCalledWith(electron.Menu.buildFromTemplate.mock.results[0]?.value);
  });
});
