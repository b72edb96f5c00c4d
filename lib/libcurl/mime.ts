// The MIME API (curl_mime_*), and CURLOPT_MIMEPOST. Parts belong to their mime and go
// with it; a mime given to curl_mime_subparts belongs to that part from then on, as in C.
// Calls on a part whose mime was freed answer CURLE_BAD_FUNCTION_ARGUMENT.
import { cNative, type NativeMime, type NativeMimePart } from './native-c';
import { describe, easyArg } from './args';
import type { CURL, CURLcode } from './functions';

export type curl_mime = NativeMime;
export type curl_mimepart = NativeMimePart;
/** curl_mime_data_cb's readfunc: up to `size` bytes (a Buffer or string), null at the end, or CURL_READFUNC_*. */
export type MimeReadCallback = (size: number, arg: unknown) => Buffer | string | null | number;
/** curl_mime_data_cb's seekfunc: CURL_SEEKFUNC_OK / FAIL / CANTSEEK. */
export type MimeSeekCallback = (arg: unknown, offset: number, origin: number) => number;
/** curl_mime_data_cb's freefunc, called when libcurl drops the part's data. */
export type MimeFreeCallback = (arg: unknown) => void;

function mimeArg(mime: unknown): NativeMime {
  if (!(mime instanceof cNative.Mime)) throw new TypeError(`Expected a curl_mime (from curl_mime_init) but received ${describe(mime)}`);
  return mime;
}

function partArg(part: unknown): NativeMimePart {
  if (!(part instanceof cNative.MimePart)) throw new TypeError(`Expected a curl_mimepart (from curl_mime_addpart) but received ${describe(part)}`);
  return part;
}

export function curl_mime_init(easy: CURL | null): curl_mime {
  return new cNative.Mime(easy === null || easy === undefined ? null : easyArg(easy));
}

export function curl_mime_free(mime: curl_mime | null): void {
  if (mime === null || mime === undefined) return;
  mimeArg(mime).free();
}

export function curl_mime_addpart(mime: curl_mime): curl_mimepart | null {
  return mimeArg(mime).addpart();
}

export function curl_mime_name(part: curl_mimepart, name: string | null): CURLcode {
  return partArg(part).name(name);
}

/** `datasize` CURL_ZERO_TERMINATED (or omitted): all of `data`. libcurl copies the bytes. */
export function curl_mime_data(part: curl_mimepart, data: string | Buffer | null, datasize?: number): CURLcode {
  return partArg(part).data(data, datasize);
}

export function curl_mime_filedata(part: curl_mimepart, filename: string | null): CURLcode {
  return partArg(part).filedata(filename);
}

export function curl_mime_filename(part: curl_mimepart, filename: string | null): CURLcode {
  return partArg(part).filename(filename);
}

export function curl_mime_type(part: curl_mimepart, mimetype: string | null): CURLcode {
  return partArg(part).type(mimetype);
}

export function curl_mime_encoder(part: curl_mimepart, encoding: string | null): CURLcode {
  return partArg(part).encoder(encoding);
}

/** The header lines (C's curl_slist); `takeOwnership` has no meaning for an array and is ignored. */
export function curl_mime_headers(part: curl_mimepart, headers: string[] | null, takeOwnership?: number): CURLcode {
  void takeOwnership;
  return partArg(part).headers(headers);
}

export function curl_mime_subparts(part: curl_mimepart, subparts: curl_mime | null): CURLcode {
  return partArg(part).subparts(subparts === null || subparts === undefined ? null : mimeArg(subparts));
}

export function curl_mime_data_cb(
  part: curl_mimepart,
  datasize: number,
  readfunc: MimeReadCallback | null,
  seekfunc: MimeSeekCallback | null,
  freefunc: MimeFreeCallback | null,
  arg: unknown,
): CURLcode {
  return partArg(part).dataCb(datasize, readfunc, seekfunc, freefunc, arg);
}
