import { cleanup, fireEvent, screen } from '@testing-library/react';
import { useState } from 'react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { AmountKeypad } from '../../../src/renderer/src/ui/components/amount-keypad';
import { checkAmount, pressKey, type KeypadKey } from '../../../src/renderer/src/ui/lib/amount';
import { renderWithConsole } from './setup';

afterEach(cleanup);

const typeKeys = (keys: KeypadKey[], start = ''): { value: string; refused: string | null } =>
  keys.reduce<{ value: string; refused: string | null }>((acc, k) => pressKey(acc.value, k), { value: start, refused: null });

describe('keypad arithmetic (pressKey / checkAmount)', () => {
  it('builds amounts digit by digit', () => {
    expect(typeKeys(['1', '2', '.', '3', '4']).value).toBe('12.34');
    expect(typeKeys(['.', '5']).value).toBe('0.5');
    expect(typeKeys(['0', '7']).value).toBe('7');
    expect(typeKeys(['1', '00']).value).toBe('100');
    expect(typeKeys(['1', '.', '.', '2']).value).toBe('1.2');
    expect(typeKeys(['Backspace'], '12.3').value).toBe('12.');
    expect(typeKeys(['Clear'], '12.3').value).toBe('');
  });

  it('refuses a third decimal', () => {
    const out = pressKey('1.23', '4');
    expect(out).toEqual({ value: '1.23', refused: 'maxDecimals' });
    expect(pressKey('1.2', '00')).toEqual({ value: '1.2', refused: 'maxDecimals' });
  });

  it('refuses anything above 100000000.00', () => {
    expect(typeKeys(['1', '00', '00', '00', '00']).value).toBe('100000000');
    expect(pressKey('100000000', '0')).toEqual({ value: '100000000', refused: 'tooLarge' });
    expect(pressKey('100000000.', '1')).toEqual({ value: '100000000.', refused: 'tooLarge' });
    expect(pressKey('99999999.9', '9')).toEqual({ value: '99999999.99', refused: null });
  });

  it('checks the final amount strictly (shared parseYuan)', () => {
    expect(checkAmount('12.3')).toEqual({ ok: true, fen: 1230, yuan: '12.30' });
    expect(checkAmount('12.')).toEqual({ ok: true, fen: 1200, yuan: '12.00' });
    expect(checkAmount('1.234')).toMatchObject({ ok: false, code: 'AMOUNT_FORMAT' });
    expect(checkAmount('0')).toMatchObject({ ok: false, code: 'AMOUNT_TOO_SMALL' });
    expect(checkAmount('0.00')).toMatchObject({ ok: false, code: 'AMOUNT_TOO_SMALL' });
    expect(checkAmount('100000000.01')).toMatchObject({ ok: false, code: 'AMOUNT_TOO_LARGE' });
    expect(checkAmount('1e3')).toMatchObject({ ok: false, code: 'AMOUNT_FORMAT' });
    expect(checkAmount('')).toMatchObject({ ok: false, code: 'AMOUNT_FORMAT' });
  });
});

function Harness({ onSubmit }: { onSubmit: (v: string) => void }): React.JSX.Element {
  const [value, setValue] = useState('');
  return <AmountKeypad value={value} onChange={setValue} onSubmit={() => onSubmit(value)} />;
}

describe('<AmountKeypad>', () => {
  it('types with the on-screen keys and charges', () => {
    const onSubmit = vi.fn();
    renderWithConsole(<Harness onSubmit={onSubmit} />);
    for (const id of ['1', '2', 'dot', '3', '4']) fireEvent.click(screen.getByTestId(`key-${id}`));
    const input = screen.getByTestId<HTMLInputElement>('amount-input');
    expect(input.value).toBe('12.34');
    fireEvent.click(screen.getByTestId('key-5'));
    expect(input.value).toBe('12.34');
    expect(screen.getByTestId('keypad-hint').textContent).toBe('最多两位小数');
    fireEvent.click(screen.getByTestId('key-backspace'));
    expect(input.value).toBe('12.3');
    fireEvent.click(screen.getByTestId('charge-button'));
    expect(onSubmit).toHaveBeenCalledWith('12.3');
  });

  it('takes physical keys: digits, ".", Backspace, Escape, Enter', () => {
    const onSubmit = vi.fn();
    renderWithConsole(<Harness onSubmit={onSubmit} />);
    const input = screen.getByTestId<HTMLInputElement>('amount-input');
    for (const key of ['9', '9', '.', '5', '0', '1']) fireEvent.keyDown(input, { key });
    expect(input.value).toBe('99.50');
    expect(screen.getByTestId('keypad-hint').textContent).toBe('最多两位小数');
    fireEvent.keyDown(input, { key: 'Escape' });
    expect(input.value).toBe('');
    for (const key of ['7', ',', '5', 'Backspace', '8', 'a']) fireEvent.keyDown(input, { key });
    expect(input.value).toBe('7.8');
    fireEvent.keyDown(input, { key: 'Enter' });
    expect(onSubmit).toHaveBeenCalledWith('7.8');
  });

  it('refuses an amount above the maximum', () => {
    renderWithConsole(<Harness onSubmit={() => undefined} />);
    const input = screen.getByTestId<HTMLInputElement>('amount-input');
    for (const key of '1000000000'.split('')) fireEvent.keyDown(input, { key });
    expect(input.value).toBe('100000000');
    expect(screen.getByTestId('keypad-hint').textContent).toBe('金额不能超过 100000000.00 元');
  });

  it('digits typed with the focus elsewhere on the page still reach the amount', () => {
    function Global(): React.JSX.Element {
      const [value, setValue] = useState('');
      return <AmountKeypad value={value} onChange={setValue} onSubmit={() => undefined} captureGlobal />;
    }
    renderWithConsole(<Global />);
    for (const key of ['4', '2']) fireEvent.keyDown(document.body, { key });
    expect(screen.getByTestId<HTMLInputElement>('amount-input').value).toBe('42');
  });
});
