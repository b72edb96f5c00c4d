// MessageHeaders: SoupMessageHeaders, multi-valued and case-insensitive, in insertion order.
// Response headers are parsed from libcurl's raw header bytes only when first read.

const INVALID = /[\r\n\0]/;
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

/** Throws a TypeError for a name that is not an HTTP token or a value with CR, LF or NUL. */
export function checkHeader(name: string, value: string): void {
  if (typeof name !== 'string' || !TOKEN.test(name)) {
    throw new TypeError(`Expected an HTTP token for header name but received ${JSON.stringify(name)}`);
  }
  if (typeof value !== 'string' || INVALID.test(value)) {
    throw new TypeError(`The value of header ${name} contains CR, LF or NUL`);
  }
}

export class MessageHeaders {
  #names: string[] = [];
  #values: string[] = [];
  #raw: Buffer | undefined;
  #rawStart = 0;
  /** Whether values are checked on the way in (request headers) — parsed responses are trusted. */
  readonly #validate: boolean;

  constructor(validate = true) {
    this.#validate = validate;
  }

  /** @internal Response headers: the header block starting at `start` in `raw`, parsed on first use. */
  static fromRaw(raw: Buffer, start: number): MessageHeaders {
    const h = new MessageHeaders(false);
    h.#raw = raw;
    h.#rawStart = start;
    return h;
  }

  #parse(): void {
    const raw = this.#raw;
    if (raw === undefined) return;
    this.#raw = undefined;
    const text = raw.toString('latin1', this.#rawStart);
    let pos = text.indexOf('\n') + 1; // after the status line
    while (pos > 0 && pos < text.length) {
      let end = text.indexOf('\n', pos);
      if (end < 0) end = text.length;
      const lineEnd = end > pos && text.charCodeAt(end - 1) === 13 ? end - 1 : end;
      if (lineEnd === pos) break; // the blank line ends the block
      const c = text.charCodeAt(pos);
      if ((c === 32 || c === 9) && this.#values.length > 0) {
        // obsolete line folding: continues the previous value
        this.#values[this.#values.length - 1] += ' ' + text.slice(pos, lineEnd).trim();
      } else {
        const colon = text.indexOf(':', pos);
        if (colon > pos && colon < lineEnd) {
          this.#names.push(text.slice(pos, colon).trim());
          this.#values.push(text.slice(colon + 1, lineEnd).trim());
        }
      }
      pos = end + 1;
    }
  }

  /** soup_message_headers_append: adds a value, keeping the ones already there. */
  append(name: string, value: string): void {
    if (this.#validate) checkHeader(name, value);
    this.#parse();
    this.#names.push(name);
    this.#values.push(value);
  }

  /** soup_message_headers_replace: removes every value of `name`, then appends this one. */
  replace(name: string, value: string): void {
    if (this.#validate) checkHeader(name, value);
    this.remove(name);
    this.#names.push(name);
    this.#values.push(value);
  }

  /** soup_message_headers_remove. */
  remove(name: string): void {
    this.#parse();
    const lower = name.toLowerCase();
    for (let i = this.#names.length - 1; i >= 0; i--) {
      if (this.#names[i].toLowerCase() === lower) {
        this.#names.splice(i, 1);
        this.#values.splice(i, 1);
      }
    }
  }

  /** The one value of `name`, several joined with ", " (soup_message_headers_get_list); null when absent. */
  get(name: string): string | null {
    const list = this.getList(name);
    return list.length === 0 ? null : list.join(', ');
  }

  /** soup_message_headers_get_one: the last value (for headers that must not repeat). */
  getOne(name: string): string | null {
    const list = this.getList(name);
    return list.length === 0 ? null : list[list.length - 1];
  }

  /** Every value of `name`, in order (Set-Cookie cannot be joined with commas). */
  getList(name: string): string[] {
    this.#parse();
    const lower = name.toLowerCase();
    const out: string[] = [];
    for (let i = 0; i < this.#names.length; i++) {
      if (this.#names[i].length === lower.length && this.#names[i].toLowerCase() === lower) out.push(this.#values[i]);
    }
    return out;
  }

  has(name: string): boolean {
    return this.getList(name).length > 0;
  }

  /** soup_message_headers_foreach, in insertion order. */
  forEach(fn: (name: string, value: string) => void): void {
    this.#parse();
    for (let i = 0; i < this.#names.length; i++) fn(this.#names[i], this.#values[i]);
  }

  /** soup_message_headers_clear. */
  clear(): void {
    this.#raw = undefined;
    this.#names = [];
    this.#values = [];
  }

  get size(): number {
    this.#parse();
    return this.#names.length;
  }

  *[Symbol.iterator](): IterableIterator<[string, string]> {
    this.#parse();
    for (let i = 0; i < this.#names.length; i++) yield [this.#names[i], this.#values[i]];
  }

  /** Content-Length as a number, or null. */
  get contentLength(): number | null {
    const v = this.getOne('Content-Length');
    return v === null ? null : Number(v);
  }

  /** Content-Type without parameters, or null. */
  get contentType(): string | null {
    const v = this.getOne('Content-Type');
    return v === null ? null : v.split(';')[0].trim();
  }

  /**
   * @internal "Name: value" lines for CURLOPT_HTTPHEADER, appended to `out`. Content-Length
   * and Transfer-Encoding are left out: the body frames the request (libcurl writes them from
   * it), and a hand-set one that disagreed with the body would let the bytes after it be
   * read as a second request on the connection.
   */
  appendLines(out: string[]): void {
    this.#parse();
    for (let i = 0; i < this.#names.length; i++) {
      if (isFraming(this.#names[i])) continue;
      // "Name;" is how libcurl sends a header with an empty value ("Name:" would remove it).
      out.push(this.#values[i] === '' ? `${this.#names[i]};` : `${this.#names[i]}: ${this.#values[i]}`);
    }
  }
}

// Content-Length / Transfer-Encoding, in any case.
function isFraming(name: string): boolean {
  const n = name.length;
  if (n !== 14 && n !== 17) return false;
  const lower = name.toLowerCase();
  return lower === 'content-length' || lower === 'transfer-encoding';
}
