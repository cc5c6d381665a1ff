/**
 * `export --help` says the `--segments` default once: commander adds
 * "(default: 1)" itself, so the option's own text only says why 1 matters.
 */
import { describe, expect, it } from 'vitest';
import { optionHelp } from '../support/option-help';

describe('export --help', () => {
  it('--segments: its range, why 1, and the default once', async () => {
    expect(await optionHelp(['export'], '--segments <n>')).toBe(
      '--segments <n> parallel scan segments, 1-64 (1 keeps a stable order) (default: 1)',
    );
  });
});
