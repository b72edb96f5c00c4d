// `curlio --version`: curlio's own version and those of the libraries it runs on.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { nativeFunctions } from '../libcurl/binding';

/** curlio's version, from the package.json that ships with this file. */
export function packageVersion(): string {
  const file = path.resolve(__dirname, '..', '..', 'package.json');
  return (JSON.parse(fs.readFileSync(file, 'utf8')) as { version: string }).version;
}

export function versionText(): string {
  const info = nativeFunctions.curl_version_info();
  const lines = [
    `curlio ${packageVersion()}`,
    `libcurl ${info.version} (${[info.ssl_version, info.libz_version && `zlib/${info.libz_version}`, info.nghttp2_version && `nghttp2/${info.nghttp2_version}`].filter(Boolean).join(' ')})`,
    `GLib ${nativeFunctions.glib_version()}`,
    `Node.js ${process.versions.node} (Node-API ${process.versions.napi})`,
    `Protocols: ${info.protocols.join(' ')}`,
    `Features: ${info.feature_names.join(' ')}`,
  ];
  return lines.join('\n') + '\n';
}
