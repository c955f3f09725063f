/**
 * 设置 → 客显 → 待机图片 (jsdom): a file over the limit is refused before it is read or sent; a picture is sent
 * as base64 and asks for the manager PIN when main requires it; main's refusal is shown in words and the
 * old picture stays; 移除图片 clears it. Main's own checks: test/console/display-picture.test.ts; the real
 * browser and display: test/e2e/customer-display.test.ts.
 */
import { cleanup, fireEvent, screen, waitFor } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { SettingsScreen } from '../../../src/renderer/src/ui/screens/settings-screen';
import { DISPLAY_PICTURE_MAX_BYTES, type DisplayPictureDto, type PinStatusDto } from '../../../src/shared/contract';
import { createFakeApi } from '../fake-api';
import { renderWithConsole } from './setup';

afterEach(cleanup);

const SET: PinStatusDto = { available: true, set: true, refundAbove: '0.00', lockedUntil: null, triesLeft: 5 };
const PNG_BYTES = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 1, 2, 3];
const PICTURE: DisplayPictureDto = {
  id: 'a1b2c3d4e5f60718',
  type: 'image/png',
  width: 1280,
  height: 720,
  bytes: 250_000,
  dataUrl: 'data:image/png;base64,iVBORw0KGgo=',
};
const press = (el: Element, k: string): void => {
  fireEvent.keyDown(el, { key: k, code: k });
  fireEvent.keyUp(el, { key: k, code: k });
};
const choose = (file: File): void => {
  fireEvent.change(screen.getByTestId('display-picture-input'), { target: { files: [file] } });
};

describe('设置 → 客显 → 待机图片', () => {
  it('none → a file over 2 MB is refused here, unsent → a PNG sent as base64 with the PIN → shown with its size → 移除图片', async () => {
    const fake = createFakeApi();
    fake.handle('pin.status', () => ({ ok: true, value: SET }));
    let current: DisplayPictureDto | null = null;
    fake.handle('display.picture', () => ({ ok: true, value: current }));
    fake.handle('display.setPicture', (input) => {
      if (!input.pin)
        return { ok: false, error: { code: 'PIN_REQUIRED', message: '修改设置需要店长密码 / The manager PIN is required for changing settings' } };
      current = PICTURE;
      return { ok: true, value: PICTURE };
    });
    fake.handle('display.clearPicture', (input) => {
      if (!input.pin)
        return { ok: false, error: { code: 'PIN_REQUIRED', message: '修改设置需要店长密码 / The manager PIN is required for changing settings' } };
      current = null;
      return { ok: true, value: { cleared: true } };
    });
    renderWithConsole(<SettingsScreen />, { fake });
    expect((await screen.findByTestId('display-picture-none')).textContent).toBe('未设置（只显示店名）');

    choose(new File([new Uint8Array(DISPLAY_PICTURE_MAX_BYTES + 1)], 'huge.png', { type: 'image/png' }));
    expect((await screen.findByTestId('display-picture-error')).textContent).toBe('图片过大（上限 2 MB），请缩小后再选');
    expect(fake.calls.some((c) => c.channel === 'display.setPicture')).toBe(false);

    choose(new File([new Uint8Array(PNG_BYTES)], 'logo.png', { type: 'image/png' }));
    const pin = await screen.findByTestId('pin-prompt-input');
    fireEvent.change(pin, { target: { value: '271828' } });
    press(pin, 'Enter');
    await waitFor(() => expect(screen.getByTestId('display-picture-saved').textContent).toBe('待机图片已更新，客显空闲时显示'));
    const sent = fake.calls.filter((c) => c.channel === 'display.setPicture').map((c) => c.input);
    const base64 = Buffer.from(PNG_BYTES).toString('base64');
    expect(sent).toEqual([{ image: base64 }, { image: base64, pin: '271828' }]);
    expect(screen.getByTestId('display-picture-thumb').getAttribute('src')).toBe(PICTURE.dataUrl);
    expect(screen.getByTestId('display-picture-info').textContent).toBe('1280×720 · 244 KB');
    expect(screen.getByTestId('display-picture-choose').textContent).toBe('更换图片…');

    fireEvent.click(screen.getByTestId('display-picture-remove'));
    const pin2 = await screen.findByTestId('pin-prompt-input');
    fireEvent.change(pin2, { target: { value: '271828' } });
    press(pin2, 'Enter');
    await screen.findByTestId('display-picture-none');
    expect(screen.getByTestId('display-picture-saved').textContent).toBe('待机图片已移除');
  });

  it('main refuses the file: its words are shown, the old picture stays', async () => {
    const fake = createFakeApi();
    fake.handle('pin.status', () => ({ ok: true, value: { ...SET, set: false } }));
    fake.handle('display.picture', () => ({ ok: true, value: PICTURE }));
    fake.handle('display.setPicture', () => ({
      ok: false,
      error: {
        code: 'INVALID_PICTURE',
        message: '待机图片须为 PNG、JPEG 或 WebP 图片（不支持 SVG、GIF 等） / The idle picture must be a PNG, JPEG or WebP image (not SVG, GIF or others)',
      },
    }));
    renderWithConsole(<SettingsScreen />, { fake });
    await screen.findByTestId('display-picture-thumb');
    choose(new File(['<svg xmlns="http://www.w3.org/2000/svg"/>'], 'x.svg', { type: 'image/svg+xml' }));
    expect((await screen.findByTestId('display-picture-error')).textContent).toBe('待机图片须为 PNG、JPEG 或 WebP 图片（不支持 SVG、GIF 等）');
    expect(screen.getByTestId('display-picture-thumb').getAttribute('src')).toBe(PICTURE.dataUrl);
  });
});
