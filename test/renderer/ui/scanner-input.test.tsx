import { cleanup, fireEvent, screen } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ScannerInput } from '../../../src/renderer/src/ui/components/scanner-input';
import { renderWithConsole } from './setup';

afterEach(cleanup);

/** A USB scanner: one keydown/input per digit back to back (no waiting), then Enter. */
function scan(input: HTMLInputElement, code: string): void {
  let typed = '';
  for (const ch of code) {
    fireEvent.keyDown(input, { key: ch });
    typed += ch;
    fireEvent.change(input, { target: { value: typed } });
  }
  fireEvent.keyDown(input, { key: 'Enter' });
}

describe('<ScannerInput> (付款码)', () => {
  it('is focused and takes fast typed digits + Enter as one code', () => {
    const onScan = vi.fn();
    renderWithConsole(<ScannerInput onScan={onScan} autoFocus />);
    const input = screen.getByTestId<HTMLInputElement>('scan-input');
    expect(document.activeElement).toBe(input);
    scan(input, '282000000000000002');
    expect(onScan).toHaveBeenCalledTimes(1);
    expect(onScan).toHaveBeenCalledWith('282000000000000002');
    expect(input.value).toBe('');
  });

  it('takes two scans in a row', () => {
    const onScan = vi.fn();
    renderWithConsole(<ScannerInput onScan={onScan} autoFocus />);
    const input = screen.getByTestId<HTMLInputElement>('scan-input');
    scan(input, '281000000000000001');
    scan(input, '284000000000000004');
    expect(onScan.mock.calls).toEqual([['281000000000000001'], ['284000000000000004']]);
  });

  it('takes a WeChat Pay code (18 digits starting 10–15) as well as an Alipay one', () => {
    const onScan = vi.fn();
    renderWithConsole(<ScannerInput onScan={onScan} autoFocus />);
    scan(screen.getByTestId<HTMLInputElement>('scan-input'), '134567890123456789');
    expect(onScan).toHaveBeenCalledWith('134567890123456789');
  });

  it('reads the field at Enter even when React state lags behind', () => {
    const onScan = vi.fn();
    renderWithConsole(<ScannerInput onScan={onScan} autoFocus />);
    const input = screen.getByTestId<HTMLInputElement>('scan-input');
    // the DOM value is there, no change event was processed yet
    input.value = '281000000000000001';
    fireEvent.keyDown(input, { key: 'Enter' });
    expect(onScan).toHaveBeenCalledWith('281000000000000001');
  });

  it('refuses what is not a payment code, in words', () => {
    const onScan = vi.fn();
    renderWithConsole(<ScannerInput onScan={onScan} autoFocus />);
    const input = screen.getByTestId<HTMLInputElement>('scan-input');
    scan(input, '12345');
    expect(onScan).not.toHaveBeenCalled();
    expect(screen.getByTestId('scan-error').textContent).toBe('不是付款码：微信为 18 位数字、以 10–15 开头；支付宝为 16–24 位数字、以 25–30 开头');
    scan(input, '311234567890123456'); // 18 digits, a prefix no provider issues
    expect(onScan).not.toHaveBeenCalled();
    scan(input, 'abc281000000000000001');
    expect(onScan).not.toHaveBeenCalled();
  });
});
