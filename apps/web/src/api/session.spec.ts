import { describe, expect, it } from 'vitest';
import { errorMessage, fieldErrors } from './client';
import { keyFromFragment } from './session';

describe('login link and errors', () => {
  it('reads the key from the fragment of a login link only', () => {
    expect(keyFromFragment('#key=wb_abc-_123')).toBe('wb_abc-_123');
    expect(keyFromFragment('#other=1')).toBeNull();
    expect(keyFromFragment('')).toBeNull();
    expect(keyFromFragment('#key=')).toBeNull();
  });

  it("shows the server's message, joining a list of field problems", () => {
    expect(errorMessage(400, { message: ['runA: must be a string', 'runB: must be a string'] })).toBe(
      'runA: must be a string; runB: must be a string',
    );
    expect(errorMessage(403, { message: 'this action needs the analyst role' })).toBe(
      'this action needs the analyst role',
    );
    expect(errorMessage(502, null)).toBe('request failed with HTTP 502');
  });

  it('reads the located field errors of a 400 body, ignoring malformed ones', () => {
    expect(
      fieldErrors({
        message: 'x',
        errors: [{ field: 'params.kMax', message: 'kMax (4) must be at least kMin (6)' }, { field: 3 }, null],
      }),
    ).toEqual([{ field: 'params.kMax', message: 'kMax (4) must be at least kMin (6)' }]);
    expect(fieldErrors({ message: 'no fields' })).toEqual([]);
    expect(fieldErrors(null)).toEqual([]);
  });
});
