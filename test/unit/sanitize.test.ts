/**
 * The terminal and CSV sanitiser (lambdas/render/sanitize.ts): stored text cannot drive a
 * terminal, and a CSV cell cannot run as a spreadsheet formula, including the
 * full-width leaders spreadsheets also accept.
 */
import { describe, expect, it } from 'vitest';
import { csvCell } from '../../cli/format/plan-csv';
import { spreadsheetSafe, terminalText } from '../../lambdas/render/sanitize';

describe('terminalText', () => {
  it('shows ANSI escape sequences as visible text instead of running them', () => {
    expect(terminalText('pc-\x1b[31mred\x1b[0m')).toBe('pc-\\x1b[31mred\\x1b[0m');
    expect(terminalText('\x1b]0;owned\x07title')).toBe('\\x1b]0;owned\\x07title');
  });

  it('escapes C0, DEL and C1 controls, bidi overrides and line separators', () => {
    expect(terminalText('a\rb\tc\nd\x00e\x7ff\x85g\x9bh')).toBe(
      'a\\x0db\\x09c\\x0ad\\x00e\\x7ff\\x85g\\x9bh',
    );
    expect(terminalText('id-\u202egnp.exe')).toBe('id-\\u202egnp.exe');
    expect(terminalText('x\u2066y\u2069z\u2028w')).toBe('x\\u2066y\\u2069z\\u2028w');
  });

  it('escapes a character above U+FFFF braced, so its last digit is not read as text', () => {
    // U+E0001 LANGUAGE TAG (a format character): `\ue0001` would read as U+E000 then "1".
    expect(terminalText('id\u{e0001}1')).toBe('id\\u{e0001}1');
  });

  it('keeps newlines (and only newlines) in multi-line text', () => {
    expect(terminalText('line 1\nline 2\x1b[2J', { multiline: true })).toBe('line 1\nline 2\\x1b[2J');
    expect(terminalText('a\r\nb', { multiline: true })).toBe('a\\x0d\nb');
  });

  it('leaves ordinary text, accents and emoji alone', () => {
    const text = 'pc-42 Zoë’s “laptop” 🔑 (id ab_c.d-1)';
    expect(terminalText(text)).toBe(text);
  });

  it('never prints two different ids alike', () => {
    expect(terminalText('ab\x1b')).not.toBe(terminalText('ab'));
  });
});

describe('spreadsheetSafe and csvCell', () => {
  it('prefixes ASCII formula leaders with a quote', () => {
    for (const leader of ['=', '+', '-', '@', '\t', '\r']) {
      expect(spreadsheetSafe(`${leader}HYPERLINK("x")`)).toBe(`'${leader}HYPERLINK("x")`);
    }
  });

  it('prefixes full-width and small-form leaders too', () => {
    for (const leader of ['＝', '＋', '－', '＠', '﹦', '﹢', '﹣', '﹫']) {
      expect(spreadsheetSafe(`${leader}1+1`)).toBe(`'${leader}1+1`);
    }
  });

  it('leaves other text alone, including leaders that are not first', () => {
    expect(spreadsheetSafe('pc-1')).toBe('pc-1');
    expect(spreadsheetSafe('a=b')).toBe('a=b');
    expect(spreadsheetSafe('')).toBe('');
  });

  it('csvCell neutralises before quoting, and leaves numbers as numbers', () => {
    expect(csvCell('＝cmd|"/c calc"!A1')).toBe(`"'＝cmd|""/c calc""!A1"`);
    expect(csvCell(-5)).toBe('-5');
    expect(csvCell(null)).toBe('');
  });
});
