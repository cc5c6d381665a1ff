/**
 * Configs of an exact size in the sweep function's environment, for the
 * budget check's boundaries (lib/environment-budget.ts): the default config
 * with risk tiers whose names (ASCII and 3-byte characters, 64 at most) make
 * the config's variables take exactly the bytes asked for.
 */
import { configToEnvironment } from '../../../lambdas/handlers/environment';
import {
  DEFAULT_CONFIG,
  type HygieneConfig,
  type HygieneConfigInput,
  parseConfig,
  type RiskTier,
} from '../../../lambdas/hygiene/config';

/** Bytes of a config's variables as Lambda counts them (names and values, UTF-8). */
export function configBytes(config: HygieneConfig): number {
  return Object.entries(configToEnvironment(config)).reduce(
    (sum, [k, v]) => sum + Buffer.byteLength(k) + Buffer.byteLength(v),
    0,
  );
}

/**
 * The expiry notice lookahead the construct derives for its default daily sweep (lib/expiry-notice-lookahead.ts):
 * given in every config made here, so a construct built from one adds no variable to the bytes measured.
 */
export const DAILY_SWEEP_LOOKAHEAD = { expiryNoticeLookaheadHours: 24 } as const;

/** The most bytes one tier name can take: 64 characters of 3 bytes. */
const MOST_NAME_BYTES = 64 * 3;
/** The most risk tiers a config may have. */
const MOST_TIERS = 20;

/**
 * The name of tier `i` (0 to 19), of exactly `bytes` UTF-8 bytes (1 to 192) in at most 64 characters: 3-byte
 * characters, then one character for the remainder (`x`, or the 2-byte `é`; `xx` for a 2-byte name), the first one
 * telling the tiers apart (a configuration refuses two tiers of one name).
 */
const nameOf = (bytes: number, i: number) => {
  const threes = Math.floor(bytes / 3);
  const rest = bytes % 3;
  const tail = rest === 0 ? '' : rest === 1 ? 'x' : threes > 0 ? 'é' : 'xx';
  const first = bytes >= 3 ? String.fromCodePoint(0x4e00 + i) : String.fromCharCode(0x61 + i);
  return first + ('界'.repeat(threes) + tail).slice(1);
};

const tier = (name: string): RiskTier => ({
  name,
  staleAfterDays: 3650,
  unscoped: false,
  unrestrictedSource: false,
});

/**
 * The default config (with {@link DAILY_SWEEP_LOOKAHEAD}) with as few risk tiers as can make its variables (without
 * `exemptIds`'s ids) take exactly `bytes` bytes, as input for `parseConfig` or the construct's `config` prop.
 * @throws when no config of up to 20 tiers takes that many
 */
export function configOfBytes(bytes: number): HygieneConfigInput {
  for (let n = 1; n <= MOST_TIERS; n++) {
    // The bytes every name takes together: what n tiers with empty names leave of `bytes`.
    const empty = Array.from({ length: n }, () => tier(''));
    const fixed = configBytes({ ...DEFAULT_CONFIG, ...DAILY_SWEEP_LOOKAHEAD, riskTiers: empty });
    const names = bytes - fixed;
    if (names < n || names > n * MOST_NAME_BYTES) continue;
    const each = Math.floor(names / n);
    const riskTiers = Array.from({ length: n }, (_, i) => tier(nameOf(i < names % n ? each + 1 : each, i)));
    const input = { ...DAILY_SWEEP_LOOKAHEAD, riskTiers };
    const measured = configBytes(parseConfig(input));
    if (measured !== bytes) throw new Error(`configOfBytes(${bytes}) took ${measured} bytes`);
    return input;
  }
  throw new Error(`no config of up to ${MOST_TIERS} risk tiers takes ${bytes} bytes`);
}
