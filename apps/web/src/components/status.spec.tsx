import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { Problem, StatusBadge } from './status';

describe('status components', () => {
  it('announces a problem to screen readers with its message', () => {
    expect(
      renderToStaticMarkup(<Problem error={new Error('run A is failed; only finished runs can be compared')} />),
    ).toBe('<p class="problem" role="alert">run A is failed; only finished runs can be compared</p>');
  });

  it('styles a badge by status', () => {
    expect(renderToStaticMarkup(<StatusBadge status="succeeded" />)).toBe(
      '<span class="badge status-succeeded">succeeded</span>',
    );
  });
});
