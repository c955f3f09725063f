import { cleanup, fireEvent, screen, waitFor } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { SettingsScreen } from '../../../src/renderer/src/ui/screens/settings-screen';
import { renderWithConsole, SETTINGS, patchedSettings } from './setup';

vi.setConfig({ testTimeout: 30_000 });
afterEach(cleanup);

describe('设置 → 收银安全', () => {
  it('shows the scanner gap, threshold and maximum, and saves changed values', async () => {
    const { fake } = renderWithConsole(<SettingsScreen />);
    fake.handle('settings.update', (input) => ({ ok: true, value: patchedSettings(SETTINGS, input) }));
    expect(screen.getByTestId<HTMLInputElement>('settings-confirm-above').value).toBe('500.00');
    expect(screen.getByTestId<HTMLInputElement>('settings-max-per-sale').value).toBe('5000.00');
    const gap = screen.getByTestId('settings-scan-gap').querySelector('input') ?? screen.getByTestId<HTMLInputElement>('settings-scan-gap');
    fireEvent.change(gap, { target: { value: '90' } });
    fireEvent.blur(gap);
    fireEvent.change(screen.getByTestId('settings-confirm-above'), { target: { value: '300' } });
    fireEvent.click(screen.getByTestId('settings-save'));
    await waitFor(() => expect(fake.calls.find((c) => c.channel === 'settings.update')?.input).toEqual({ scanMaxGapMs: 90, confirmAbove: '300' }));
  });

  it('a bad amount or a threshold above the maximum is shown and cannot be saved', () => {
    renderWithConsole(<SettingsScreen />);
    fireEvent.change(screen.getByTestId('settings-max-per-sale'), { target: { value: '12.345' } });
    expect(screen.getByTestId('max-per-sale-error')).toBeTruthy();
    expect(screen.getByTestId<HTMLButtonElement>('settings-save').disabled).toBe(true);
    fireEvent.change(screen.getByTestId('settings-max-per-sale'), { target: { value: '100' } });
    expect(screen.getByTestId('limit-order-error')).toBeTruthy();
    expect(screen.getByTestId<HTMLButtonElement>('settings-save').disabled).toBe(true);
  });
});
