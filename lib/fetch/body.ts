// Bodies between the WHATWG side and the Session: a request body becomes bytes when its
// length is known (so a 307/308 redirect can send it again) or an async iterable that
// libcurl reads as it goes; a response body becomes a ReadableStream whose pull is what lets
// the transfer run, so a slow reader pauses libcurl (CURL_WRITEFUNC_PAUSE) through the
// Session's stream.
import type { Readable } from 'node:stream';
import { types } from 'node:util';

/** A request body as the Session takes it. */
export type SessionBody = Buffer | AsyncIterable<Uint8Array>;

// Node's Request (undici) keeps the body's source when it was given as bytes, a string, a
// Blob, URLSearchParams or FormData, and null for a stream: undici's own fetch reads it the
// same way to decide whether a redirect may resend the body.
function bodySource(request: Request): { known: boolean } {
  for (const symbol of Object.getOwnPropertySymbols(request)) {
    if (symbol.description !== 'state') continue;
    const state = (request as unknown as Record<symbol, { body?: { source?: unknown } | null } | undefined>)[symbol];
    const body = state?.body;
    if (body && typeof body === 'object' && 'source' in body) return { known: body.source !== null && body.source !== undefined };
  }
  return { known: false };
}

/** Whether `body` (a fetch init body) is one whose bytes are known up front. */
function isKnownBody(body: unknown): boolean {
  return (
    typeof body === 'string' ||
    types.isAnyArrayBuffer(body) ||
    ArrayBuffer.isView(body) ||
    body instanceof URLSearchParams ||
    body instanceof Blob ||
    body instanceof FormData
  );
}

/**
 * The body of `request` for the Session: bytes when they are known (strings, buffers,
 * URLSearchParams, Blob, FormData), the stream itself otherwise (ReadableStream, async
 * iterable), sent chunked. `initBody` is the init's body, when there was one.
 */
export async function requestBody(request: Request, initBody: unknown): Promise<{ body: SessionBody | null; resendable: boolean }> {
  if (request.body === null) return { body: null, resendable: true };
  const known = initBody !== undefined && initBody !== null ? isKnownBody(initBody) : bodySource(request).known;
  if (known) return { body: Buffer.from(await request.arrayBuffer()), resendable: true };
  return { body: bytesOf(request.body), resendable: false };
}

// A ReadableStream body must yield Uint8Array chunks (fetch's "extract a body"); anything
// else fails the request with a TypeError instead of being sent as something.
async function* bytesOf(stream: ReadableStream<Uint8Array>): AsyncIterable<Uint8Array> {
  for await (const chunk of stream as unknown as AsyncIterable<unknown>) {
    // util.types, not instanceof: the chunks may come from another realm (vm contexts, jest).
    if (!types.isUint8Array(chunk)) throw new TypeError(`Expected Uint8Array chunks in the request body stream but received ${chunk === null ? 'null' : typeof chunk}`);
    yield chunk as Uint8Array;
  }
}

/**
 * A ReadableStream over the Session's response stream. Chunks are Uint8Array views of
 * libcurl's chunks (no copy). The stream pulls one chunk at a time: while nobody reads, the
 * Node stream stays paused, fills to its high-water mark, and the Session pauses libcurl.
 */
export function webStreamFromReadable(
  readable: Readable,
  mapError: (error: unknown) => unknown,
  onCancel: (reason: unknown) => void,
  onClose: () => void,
): { stream: ReadableStream<Uint8Array>; fail(reason: unknown): void } {
  let controller!: ReadableStreamDefaultController<Uint8Array>;
  // The Node stream ended or failed: nothing more comes from it.
  let settled = false;
  // The web stream was closed or errored: the reader has or will have everything.
  let finished = false;
  let ended = false;
  const finish = (how: () => void): void => {
    if (finished) return;
    finished = true;
    how();
    onClose();
  };
  const settle = (how: () => void): void => {
    if (settled) return;
    settled = true;
    readable.off('data', onData);
    how();
  };
  const onData = (chunk: Buffer): void => {
    if (settled) return;
    controller.enqueue(new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength));
    if ((controller.desiredSize ?? 0) <= 0) readable.pause();
  };
  const stream = new ReadableStream<Uint8Array>({
    start(c) {
      controller = c;
      readable.pause();
      readable.on('data', onData);
      readable.once('end', () =>
        settle(() => {
          // Closed once the reader took the last chunk (the next pull): until then an abort
          // can still error the body, as fetch's abort steps want for a body not read yet.
          ended = true;
          if ((controller.desiredSize ?? 0) > 0) finish(() => controller.close());
        }),
      );
      readable.once('error', (error) => settle(() => finish(() => controller.error(mapError(error)))));
      // Destroyed without an error: the transfer was taken away (cancelled) before its end.
      readable.once('close', () => settle(() => finish(() => controller.error(mapError(undefined)))));
    },
    pull() {
      if (ended) finish(() => controller.close());
      else readable.resume();
    },
    cancel(reason) {
      settle(() => undefined);
      finished = true;
      onClose();
      onCancel(reason);
      readable.destroy();
    },
  });
  return {
    stream,
    fail(reason) {
      settle(() => undefined);
      finish(() => controller.error(reason));
      readable.destroy();
    },
  };
}
