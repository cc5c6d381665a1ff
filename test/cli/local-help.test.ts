/**
 * `pc-hygiene local --help` (what `npm start` runs) tells a new user the
 * range of its numeric options, as their errors do, and their defaults.
 */
import { describe, expect, it } from 'vitest';
import { optionHelp } from '../support/option-help';

describe('local --help', () => {
  it('gives --count its range and default', async () => {
    expect(await optionHelp(['local'], '--count <n>')).toMatch(/25 to 1,000,000 .*default: 300/);
  });

  it('gives --seed its range and default', async () => {
    expect(await optionHelp(['local'], '--seed <n>')).toMatch(/0 to 2147483647 .*default: 1/);
  });
});
