// A small reader for server-sent events (the WHATWG event-stream format) over a fetch body.
// Both model APIs stream this way; the SDKs that parse it are not runtime dependencies, and the
// format is small enough that owning the parser is simpler than carrying one.

export interface SseEvent {
  /** The `event:` field; `message` when the server sent none. */
  event: string;
  /** The `data:` lines joined by newlines. */
  data: string;
}

/** Yields each event of the stream as it completes. Stops at the end of the body. */
export async function* readSse(body: ReadableStream<Uint8Array>): AsyncGenerator<SseEvent> {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  let event = '';
  let data: string[] = [];
  let hasData = false;

  // Returns the event completed by a blank line, if any, and resets the fields.
  const dispatch = (): SseEvent | undefined => {
    const out = hasData ? { event: event || 'message', data: data.join('\n') } : undefined;
    event = '';
    data = [];
    hasData = false;
    return out;
  };

  const takeLine = (line: string): SseEvent | undefined => {
    if (line === '') return dispatch();
    if (line.startsWith(':')) return undefined; // comment / keep-alive
    const colon = line.indexOf(':');
    const field = colon < 0 ? line : line.slice(0, colon);
    let value = colon < 0 ? '' : line.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    if (field === 'event') event = value;
    else if (field === 'data') {
      data.push(value);
      hasData = true;
    }
    // `id` and `retry` matter to reconnecting browsers, not to one request's stream.
    return undefined;
  };

  try {
    for (;;) {
      const { value, done } = await reader.read();
      buffer += done ? decoder.decode() : decoder.decode(value, { stream: true });
      // Lines end in CRLF, LF or CR. A CR at the very end may be half of a CRLF still in flight.
      let at: number;
      while ((at = buffer.search(/\r\n|\n|\r/)) >= 0) {
        if (!done && buffer[at] === '\r' && at === buffer.length - 1) break;
        const line = buffer.slice(0, at);
        buffer = buffer.slice(buffer[at] === '\r' && buffer[at + 1] === '\n' ? at + 2 : at + 1);
        const out = takeLine(line);
        if (out) yield out;
      }
      if (done) {
        // A final event without its blank line is dropped, as the format says.
        return;
      }
    }
  } finally {
    // Leaving early (an error event, an abort) must release the connection.
    await reader.cancel().catch(() => undefined);
  }
}
