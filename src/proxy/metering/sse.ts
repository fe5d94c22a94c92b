// Incremental Server-Sent Events parser working on bytes: line ends are found with native
// Buffer.indexOf and only `event:` names are decoded, so metering a long stream costs little.
// Correct across any chunk boundary (including between "\r" and "\n"); data stays bytes until a
// reader asks for it.
export type SseHandler = (event: string, data: Buffer) => void;

const NL = 10;
const CR = 13;
const COLON = 58;
const SPACE = 32;
const DATA = Buffer.from('data');
const EVENT = Buffer.from('event');

function fieldIs(buf: Buffer, s: number, e: number, name: Buffer): boolean {
  const end = s + name.length;
  return end <= e && (end === e || buf[end] === COLON) && buf.compare(name, 0, name.length, s, end) === 0;
}

export class SseParser {
  private partial: Buffer | null = null;
  private event = '';
  private data: Buffer[] = [];
  private skipLf = false;

  constructor(private readonly onEvent: SseHandler) {}

  write(chunk: Buffer): void {
    const buf = this.partial ? Buffer.concat([this.partial, chunk]) : chunk;
    this.partial = null;
    let start = 0;
    if (this.skipLf) {
      if (buf[0] === NL) start = 1;
      this.skipLf = false;
    }
    const hasCr = buf.indexOf(CR, start) !== -1;
    while (start < buf.length) {
      const nl = buf.indexOf(NL, start);
      let end = nl;
      if (hasCr) {
        const cr = buf.indexOf(CR, start);
        if (cr !== -1 && (nl === -1 || cr < nl)) end = cr;
      }
      if (end === -1) break;
      this.line(buf, start, end);
      if (buf[end] === CR) {
        if (end + 1 < buf.length) start = buf[end + 1] === NL ? end + 2 : end + 1;
        else {
          this.skipLf = true;
          start = end + 1;
        }
      } else start = end + 1;
    }
    if (start < buf.length) this.partial = buf.subarray(start);
  }

  end(): void {
    const rest = this.partial;
    this.partial = null;
    if (rest && rest.length) this.line(rest, 0, rest.length);
    this.dispatch();
  }

  private dispatch(): void {
    if (this.data.length) {
      const data = this.data.length === 1 ? this.data[0]! : Buffer.concat(this.data.flatMap((d, i) => (i ? [Buffer.from('\n'), d] : [d])));
      this.onEvent(this.event || 'message', data);
    }
    this.event = '';
    this.data = [];
  }

  private line(buf: Buffer, s: number, e: number): void {
    if (s === e) return this.dispatch();
    if (buf[s] === COLON) return; // comment / keep-alive
    const isData = fieldIs(buf, s, e, DATA);
    if (!isData && !fieldIs(buf, s, e, EVENT)) return;
    let v = s + (isData ? DATA.length : EVENT.length);
    if (v < e) v++; // the colon
    if (buf[v] === SPACE) v++;
    if (isData) this.data.push(buf.subarray(v, e));
    else this.event = buf.toString('utf8', v, e);
  }
}
