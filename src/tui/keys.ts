// Keys as the dashboard sees them: raw terminal input split into key events, each with a
// canonical name (`C-b`, `M-x`, `Up`, `BTab`, `%`, `N`) and the exact bytes it came from, so a
// key that is not a dashboard command can be forwarded to the pane's PTY untouched.
//
// Canonical names: modifiers `C-` then `M-` then the base; printable characters stand for
// themselves (case matters, `N` is shifted `n`); named keys are capitalised words: Up Down Left
// Right Home End PageUp PageDown Insert Delete Enter Tab BTab Escape Space Backspace F1..F12;
// `Paste` is a whole bracketed paste. Anything unrecognised is `Unknown`.

export interface KeyEvent {
  /** Canonical name, comparable with `normalizeKeySpec` output. */
  key: string;
  /** The bytes as received, for forwarding to a PTY. */
  raw: string;
}

const NAMED = [
  'Up', 'Down', 'Left', 'Right', 'Home', 'End', 'PageUp', 'PageDown', 'Insert', 'Delete',
  'Enter', 'Tab', 'BTab', 'Escape', 'Space', 'Backspace',
  'F1', 'F2', 'F3', 'F4', 'F5', 'F6', 'F7', 'F8', 'F9', 'F10', 'F11', 'F12',
] as const;

const CSI_LETTER: Record<string, string> = { A: 'Up', B: 'Down', C: 'Right', D: 'Left', H: 'Home', F: 'End', Z: 'BTab', P: 'F1', Q: 'F2', R: 'F3', S: 'F4' };
const CSI_TILDE: Record<string, string> = {
  '1': 'Home', '2': 'Insert', '3': 'Delete', '4': 'End', '5': 'PageUp', '6': 'PageDown', '7': 'Home', '8': 'End',
  '11': 'F1', '12': 'F2', '13': 'F3', '14': 'F4', '15': 'F5', '17': 'F6', '18': 'F7', '19': 'F8', '20': 'F9', '21': 'F10', '23': 'F11', '24': 'F12',
};
const PASTE_START = '\x1b[200~';
const PASTE_END = '\x1b[201~';

/**
 * Splits one chunk of terminal input into key events. A lone ESC at the end of a chunk is taken
 * as the Escape key (terminals send an escape sequence in one write, so a split one is rare).
 */
export function parseKeys(data: string): KeyEvent[] {
  const out: KeyEvent[] = [];
  let i = 0;
  while (i < data.length) {
    if (data.startsWith(PASTE_START, i)) {
      const end = data.indexOf(PASTE_END, i + PASTE_START.length);
      const stop = end < 0 ? data.length : end + PASTE_END.length;
      out.push({ key: 'Paste', raw: data.slice(i, stop) });
      i = stop;
      continue;
    }
    const ch = data[i]!;
    if (ch === '\x1b' && i + 1 < data.length) {
      const next = data[i + 1]!;
      if (next === '[' || next === 'O') {
        let j = i + 2;
        // CSI parameters and intermediates, then one final byte in @..~.
        while (j < data.length && (data.charCodeAt(j) < 0x40 || data.charCodeAt(j) > 0x7e)) j++;
        const raw = data.slice(i, j + 1);
        out.push({ key: csiName(next, data.slice(i + 2, j), data[j] ?? ''), raw });
        i = j + 1;
        continue;
      }
      const inner = single(data, i + 1);
      out.push({ key: inner.key.startsWith('M-') ? inner.key : withMeta(inner.key), raw: `\x1b${inner.raw}` });
      i += 1 + inner.raw.length;
      continue;
    }
    const k = single(data, i);
    out.push(k);
    i += k.raw.length;
  }
  return out;
}

function single(data: string, i: number): KeyEvent {
  const cp = data.codePointAt(i)!;
  const raw = String.fromCodePoint(cp);
  return { key: controlName(cp) ?? raw, raw };
}

function controlName(cp: number): string | undefined {
  switch (cp) {
    case 0x1b:
      return 'Escape';
    case 0x0d:
      return 'Enter';
    case 0x09:
      return 'Tab';
    case 0x7f:
      return 'Backspace';
    case 0x20:
      return 'Space';
    case 0x00:
      return 'C-Space';
  }
  if (cp >= 0x01 && cp <= 0x1a) return `C-${String.fromCharCode(cp + 0x60)}`;
  if (cp >= 0x1c && cp <= 0x1f) return `C-${String.fromCharCode(cp + 0x40)}`;
  return undefined;
}

function csiName(intro: string, params: string, final: string): string {
  let base: string | undefined;
  let mod = 1;
  if (intro === 'O') base = CSI_LETTER[final];
  else if (final === '~') {
    const [code, m] = params.split(';');
    base = CSI_TILDE[code ?? ''];
    mod = Number(m ?? 1);
  } else {
    base = CSI_LETTER[final];
    const m = params.split(';')[1];
    if (m !== undefined) mod = Number(m);
  }
  if (!base) return 'Unknown';
  // xterm modifier parameter: 1 + (shift 1 | alt 2 | ctrl 4).
  const bits = Number.isFinite(mod) && mod > 1 ? mod - 1 : 0;
  if (bits & 1 && base === 'Tab') base = 'BTab';
  let name = base;
  if (bits & 1 && base !== 'BTab') name = `S-${name}`;
  if (bits & 2) name = `M-${name}`;
  if (bits & 4) name = `C-${name}`;
  return name;
}

function withMeta(key: string): string {
  return key.startsWith('C-') ? `C-M-${key.slice(2)}` : `M-${key}`;
}

/**
 * Canonical form of a key written by a person (`Ctrl-b`, `ctrl+B`, `M-x`, `alt-Up`, `up`, `%`,
 * `space`, `S-Tab`), or undefined when it names no key.
 */
export function normalizeKeySpec(spec: string): string | undefined {
  let rest = spec.trim();
  if (rest === '') return spec === ' ' ? 'Space' : undefined;
  let ctrl = false;
  let meta = false;
  let shift = false;
  for (;;) {
    const m = /^(c|ctrl|control|m|alt|meta|s|shift)[-+](.+)$/i.exec(rest);
    if (!m) break;
    const mod = m[1]!.toLowerCase();
    if (mod === 'c' || mod === 'ctrl' || mod === 'control') ctrl = true;
    else if (mod === 's' || mod === 'shift') shift = true;
    else meta = true;
    rest = m[2]!;
  }
  if (/^\^.$/.test(rest)) {
    ctrl = true;
    rest = rest.slice(1);
  }
  let base: string | undefined;
  if ([...rest].length === 1) {
    base = rest === ' ' ? 'Space' : rest;
    if (ctrl && /^[A-Za-z]$/.test(base)) base = base.toLowerCase();
    if (shift && /^[a-z]$/.test(base)) {
      base = base.toUpperCase();
      shift = false;
    }
  } else {
    const lower = rest.toLowerCase();
    const aliases: Record<string, string> = { esc: 'Escape', return: 'Enter', pgup: 'PageUp', pgdn: 'PageDown', del: 'Delete', bspace: 'Backspace', 'shift-tab': 'BTab' };
    base = aliases[lower] ?? NAMED.find((n) => n.toLowerCase() === lower);
  }
  if (!base) return undefined;
  if (shift && base === 'Tab') {
    base = 'BTab';
    shift = false;
  }
  if (shift && [...base].length === 1) return undefined;
  return `${ctrl ? 'C-' : ''}${meta ? 'M-' : ''}${shift ? 'S-' : ''}${base}`;
}

/** The bytes a terminal sends for a canonical key, where that is unambiguous (for `send-prefix`). */
export function keyBytes(key: string): string | undefined {
  const m = /^C-([a-z])$/.exec(key);
  if (m) return String.fromCharCode(m[1]!.charCodeAt(0) - 0x60);
  if ([...key].length === 1) return key;
  const named: Record<string, string> = { Enter: '\r', Tab: '\t', Escape: '\x1b', Space: ' ', Backspace: '\x7f' };
  return named[key];
}
