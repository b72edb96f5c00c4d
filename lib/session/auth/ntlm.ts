// AuthNTLM: NTLM is a handshake bound to one connection (type 1, type 2, type 3), which only
// libcurl sees: the session hands it the credentials (CURLOPT_HTTPAUTH = CURLAUTH_NTLM) and
// libcurl runs the whole handshake inside one transfer. Offered only with Session.useNtlm
// (or addFeatureByType(AuthNTLM)), as libsoup's SoupAuthNTLM is.
import { CURLAUTH_NTLM } from '../../libcurl/constants.generated';
import { Auth } from '../auth';
import type { Message } from '../message';
import { directoryOf } from './basic';

export class AuthNTLM extends Auth {
  static readonly schemeName = 'NTLM' as const;
  static readonly strength = 3;

  protected onUpdate(): boolean {
    // An NTLM challenge after libcurl ran the handshake with our credentials: refused.
    this.forget();
    return true;
  }

  getProtectionSpace(uri: URL): string[] {
    return [directoryOf(uri.pathname)];
  }

  /** libcurl writes the NTLM messages itself. */
  getAuthorization(_msg: Message): string | null {
    return null;
  }

  override get curlAuth(): number {
    return CURLAUTH_NTLM;
  }
}
