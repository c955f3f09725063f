/**
 * display.get / display.picture / display.setPicture / display.clearPicture / display.open: the customer
 * display's state (kept by customer-display.ts), its idle picture (checked and stored by
 * display-picture.ts; changing it needs the manager PIN, like settings), and 打开客显, which only a host can
 * do (Electron opens a window, the web bridge answers a URL with the display token): reaching the console
 * means the host did not take it.
 */
import type { CustomerDisplay } from '../customer-display';
import { checkPicture, decodePicture, removeDisplayPicture, saveDisplayPicture, toPictureDto, type DisplayPicture } from '../display-picture';
import { ConsoleError } from '../errors';
import type { Runtime } from '../runtime';
import type { Handlers } from './types';

export const DISPLAY_OPEN_UNAVAILABLE = '此运行方式无法打开客显窗口 / This way of running PayDesk cannot open the customer display window';

/** Where the idle picture lives while the console runs (loaded at start, replaced by setPicture). */
export interface PictureSlot {
  get(): DisplayPicture | null;
  set(picture: DisplayPicture | null): void;
}

export function displayHandlers(
  rt: Runtime,
  display: CustomerDisplay,
  slot: PictureSlot,
  dataDir: string,
): Handlers<'display.get' | 'display.picture' | 'display.setPicture' | 'display.clearPicture' | 'display.open'> {
  return {
    'display.get': async () => display.state(),
    'display.picture': async () => {
      const p = slot.get();
      return p ? toPictureDto(p) : null;
    },
    'display.setPicture': rt.serialized(async ({ image, pin }) => {
      // Checked before the PIN is asked: a bad picture is refused in words and costs no PIN attempt.
      const picture = checkPicture(decodePicture(image));
      await rt.managerPin.authorize(pin, 'settings');
      saveDisplayPicture(dataDir, picture);
      slot.set(picture);
      display.refresh();
      return toPictureDto(picture);
    }),
    'display.clearPicture': rt.serialized(async ({ pin }) => {
      await rt.managerPin.authorize(pin, 'settings');
      const had = slot.get() !== null;
      removeDisplayPicture(dataDir);
      slot.set(null);
      display.refresh();
      return { cleared: had };
    }),
    'display.open': async () => {
      throw new ConsoleError('DISPLAY_UNAVAILABLE', DISPLAY_OPEN_UNAVAILABLE);
    },
  };
}
