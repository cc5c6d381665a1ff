/**
 * The config's `ownerContact` (lambdas/hygiene/config.ts; docs/configuration.md, "Keys"): whom an owner asks, shown
 * as written in every digest, so only one line of bounded length without control or invisible characters is
 * accepted; it reaches the Lambdas as the other text keys do (`configToFlat`, the `HYGIENE_*` environment).
 */
import { describe, expect, it } from 'vitest';
import { configFromEnvironment, configToEnvironment } from '../../lambdas/handlers/environment';
import {
  ConfigError,
  configFromFlat,
  configToFlat,
  OWNER_CONTACT_MAX_CHARS,
  parseConfig,
} from '../../lambdas/hygiene/config';
import { thrownBy } from '../support/thrown';

describe('ownerContact', () => {
  it('is unset by default, and accepts a team, a channel or an address', () => {
    expect(parseConfig({}).ownerContact).toBeUndefined();
    for (const contact of [
      'the Platform team, #platform-help on Slack',
      'platform-help@example.com',
      'Zoë (équipe sécurité)',
    ]) {
      expect(parseConfig({ ownerContact: contact }).ownerContact).toBe(contact);
    }
    expect(parseConfig({ ownerContact: 'x'.repeat(OWNER_CONTACT_MAX_CHARS) }).ownerContact).toHaveLength(
      OWNER_CONTACT_MAX_CHARS,
    );
  });

  it('reaches the Lambdas as written: the flat form and the HYGIENE_ environment round-trip it', () => {
    const config = parseConfig({ ownerContact: 'the Platform team, #platform-help' });

    expect(configToFlat(config).ownerContact).toBe('the Platform team, #platform-help');
    expect(configFromFlat(configToFlat(config)).ownerContact).toBe('the Platform team, #platform-help');
    expect(configToEnvironment(config).HYGIENE_ownerContact).toBe('the Platform team, #platform-help');
    expect(configFromEnvironment(configToEnvironment(config))).toEqual(config);
  });

  it.each([
    ['a line break', 'help@example.com\r\nBcc: victim@example.com'],
    ['a tab', 'platform\tteam'],
    ['a bidi control', 'team \u202emoc.elpmaxe'],
    ['a zero-width space', 'help\u200b@example.com'],
    ['nothing', ''],
    ['only spaces', '   '],
    ['a leading space', ' team'],
    ['repeated spaces', 'platform  team'],
  ])('refuses %s, naming the key and value', (_what, value) => {
    const error = thrownBy(ConfigError, () => parseConfig({ ownerContact: value }));

    expect(error.problems).toEqual([
      expect.stringMatching(/^ownerContact = ".*": must be one line shown as written: not blank, no control/),
    ]);
  });

  it('refuses one too long, and a value that is not text', () => {
    expect(() => parseConfig({ ownerContact: 'x'.repeat(OWNER_CONTACT_MAX_CHARS + 1) })).toThrow(
      `ownerContact = "${'x'.repeat(56)}...: must be at most ${OWNER_CONTACT_MAX_CHARS} characters`,
    );
    expect(() => parseConfig({ ownerContact: 42 })).toThrow('ownerContact = 42:');
  });
});
