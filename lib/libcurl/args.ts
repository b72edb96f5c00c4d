// Argument checks shared by the C-shaped functions: messages name the argument and what
// it received (sharp's invalidParameterError habit).
import { Easy } from './easy';
import { Multi } from './multi';
import type { OutParam } from './functions';

export function describe(value: unknown): string {
  if (value === null) return 'null';
  if (typeof value === 'object') return value.constructor?.name ?? 'an object';
  return typeof value;
}

export function easyArg(easy: unknown): Easy {
  if (!(easy instanceof Easy)) throw new TypeError(`Expected a CURL handle (from curl_easy_init) but received ${describe(easy)}`);
  return easy;
}

export function multiArg(multi: unknown): Multi {
  if (!(multi instanceof Multi)) throw new TypeError(`Expected a CURLM handle (from curl_multi_init) but received ${describe(multi)}`);
  return multi;
}

export function outArg<T>(out: OutParam<T> | undefined | null, fn: string, name: string, required = false): OutParam<T> | undefined {
  if (out === undefined || out === null) {
    if (required) throw new TypeError(`Expected an out-parameter object { value } for ${name} of ${fn}`);
    return undefined;
  }
  if (typeof out !== 'object') throw new TypeError(`Expected an out-parameter object { value } for ${name} of ${fn} but received ${describe(out)}`);
  return out;
}
