import { render, screen } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { App } from '../../src/renderer/src/app';

describe('App', () => {
  it('renders the title and signals readiness', () => {
    const { container } = render(<App />);
    expect(screen.getByRole('heading').textContent).toBe('PayDesk 收银台');
    expect(container.querySelector('[data-app-state="ready"]')).not.toBeNull();
  });
});
