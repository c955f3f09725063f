import { describe, expect, it, vi } from 'vitest';
import { app, FakeBrowserWindow, fakeHost } from './fake-electron';

vi.mock('electron', async () => (await import('./fake-electron')).electron);

const fake = vi.hoisted(() => ({ createConsole: vi.fn() }));
vi.mock('../../src/main/console', () => ({ createConsole: fake.createConsole }));

describe('the Electron entry', () => {
  it('starts the app with the real composition root (mocked here) in userData', async () => {
    fake.createConsole.mockImplementation(async () => fakeHost().host);
    await import('../../src/main/electron/index');
    await vi.waitFor(() => expect(FakeBrowserWindow.instances).toHaveLength(1));
    expect(app.requestSingleInstanceLock).toHaveBeenCalled();
    expect(fake.createConsole).toHaveBeenCalledWith(expect.objectContaining({ dataDir: '/tmp/paydesk-user-data' }));
  });
});
