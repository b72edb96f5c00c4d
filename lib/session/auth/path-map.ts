// PathMap: libsoup's SoupPathMap — paths to values, looked up by the longest mapped path that
// is a plain string prefix of the request path (up to its query). The auth manager keeps one
// per host: which realm ("Scheme:realm") protects which paths.

interface Mapping<T> {
  path: string;
  data: T;
}

export class PathMap<T> {
  /** Longest path first, so the first prefix found is the best one. */
  readonly #mappings: Mapping<T>[] = [];

  /** soup_path_map_add: `path` (and everything under it) maps to `data`. */
  add(path: string, data: T): void {
    const existing = this.#mappings.find((m) => m.path === path);
    if (existing !== undefined) {
      existing.data = data;
      return;
    }
    let i = 0;
    while (i < this.#mappings.length && this.#mappings[i].path.length >= path.length) i++;
    this.#mappings.splice(i, 0, { path, data });
  }

  /** soup_path_map_remove: only an exact mapping of `path`. */
  remove(path: string): void {
    const i = this.#mappings.findIndex((m) => m.path === path);
    if (i >= 0) this.#mappings.splice(i, 1);
  }

  /** soup_path_map_lookup: the data of `path` or of its longest mapped prefix. */
  lookup(path: string): T | undefined {
    const q = path.indexOf('?');
    const bare = q < 0 ? path : path.slice(0, q);
    for (const m of this.#mappings) if (bare.startsWith(m.path)) return m.data;
    return undefined;
  }

  /** The exact mapping of `path`, if any. */
  get(path: string): T | undefined {
    return this.#mappings.find((m) => m.path === path)?.data;
  }
}
