// Challenges of WWW-Authenticate / Proxy-Authenticate, parsed as libsoup does: the header is
// a comma list (soup_header_parse_list), a challenge starts at an item that is not an
// auth-param, and soup_auth_manager_extract_challenge gives one scheme's challenge with its
// params, which soup_header_parse_param_list reads.

/** soup_header_parse_list: comma-separated items, commas inside quoted strings kept. */
export function parseList(header: string): string[] {
  const items: string[] = [];
  let start = 0;
  let quoted = false;
  for (let i = 0; i <= header.length; i++) {
    const c = header[i];
    if (quoted) {
      if (c === '\\') i++;
      else if (c === '"') quoted = false;
      continue;
    }
    if (c === '"') quoted = true;
    else if (c === ',' || i === header.length) {
      const item = header.slice(start, i).trim();
      if (item !== '') items.push(item);
      start = i + 1;
    }
  }
  return items;
}

// next_challenge_start: the index of the next item that starts a new challenge
// ("scheme" or "scheme param..." rather than "name=value").
function nextChallengeStart(items: readonly string[], from: number): number {
  for (let i = from; i < items.length; i++) {
    const item = items[i];
    const eq = item.indexOf('=');
    if (eq < 0) return i;
    const sp = item.search(/[\t\r\n ]/);
    if (sp < 0 || sp > eq) continue;
    let j = sp;
    while (/\s/.test(item[j + 1] ?? '')) j++;
    if (j + 1 === eq) continue; // "name = value"
    return i;
  }
  return items.length;
}

/** soup_auth_manager_extract_challenge: `scheme`'s challenge in `header`, or null. */
export function extractChallenge(header: string, scheme: string): string | null {
  const items = parseList(header);
  const lower = scheme.toLowerCase();
  for (let i = nextChallengeStart(items, 0); i < items.length; i = nextChallengeStart(items, i + 1)) {
    const item = items[i];
    if (item.slice(0, scheme.length).toLowerCase() === lower && (item.length === scheme.length || /\s/.test(item[scheme.length]))) {
      const end = nextChallengeStart(items, i + 1);
      return items.slice(i, end).join(', ');
    }
  }
  return null;
}

/** soup_header_parse_param_list: name=value pairs (names lower-cased, quotes and escapes removed). */
export function parseParams(text: string): Record<string, string> {
  const params: Record<string, string> = Object.create(null);
  for (const item of parseList(text)) {
    const eq = item.indexOf('=');
    const name = (eq < 0 ? item : item.slice(0, eq)).trim().toLowerCase();
    if (name === '' || /\s/.test(name)) continue;
    let value = eq < 0 ? '' : item.slice(eq + 1).trim();
    if (value.startsWith('"')) {
      let out = '';
      for (let i = 1; i < value.length && value[i] !== '"'; i++) {
        if (value[i] === '\\' && i + 1 < value.length) i++;
        out += value[i];
      }
      value = out;
    }
    if (!(name in params)) params[name] = value;
  }
  return params;
}

/** Quotes `value` for an auth-param (soup_header_g_string_append_param_quoted). */
export function quote(value: string): string {
  return `"${value.replace(/["\\]/g, (c) => '\\' + c)}"`;
}
