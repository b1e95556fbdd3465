/**
 * How stampctl signs in. On Azure the app's App Service authentication takes a Microsoft Entra
 * token for the app's audience: with `--audience` (or STAMPCTL_AUDIENCE) stampctl gets one from
 * `DefaultAzureCredential` (an `az login`, a managed identity, a workload identity...). On the
 * local host, `--token` (STAMPCTL_TOKEN) carries a local user's token, and without one the
 * local host's default user is who asks.
 */
export type TokenSource = () => Promise<string | undefined>;

/** No token could be had (no `az login`, no managed identity, an audience Entra ID does not know). */
export class SignInError extends Error {
  override readonly name = 'SignInError';
}

export interface SignInOptions {
  readonly token: string | undefined;
  readonly audience: string | undefined;
}

/** `api://<client-id>` or the bare client id: the scope is the audience's `.default`. */
export function scopeOf(audience: string): string {
  return `${audience.replace(/\/+$/, '')}/.default`;
}

export function tokenSource(options: SignInOptions): TokenSource {
  if (options.token !== undefined && options.token !== '') {
    const token = options.token;
    return () => Promise.resolve(token);
  }
  const audience = options.audience;
  if (audience === undefined || audience === '') return () => Promise.resolve(undefined);
  let cached: { token: string; expiresOn: number } | undefined;
  return async () => {
    // A minute of margin: a token that expires mid-request is refused by the platform.
    if (cached !== undefined && cached.expiresOn - 60_000 > Date.now()) return cached.token;
    const { DefaultAzureCredential } = await import('@azure/identity');
    let access;
    try {
      access = await new DefaultAzureCredential().getToken(scopeOf(audience));
    } catch (error) {
      throw new SignInError(
        `could not get a Microsoft Entra token for ${scopeOf(audience)}: ${error instanceof Error ? error.message.split('\n')[0] : String(error)} (sign in with \`az login\`; the Azure CLI must be pre-authorized on the app registration, see infra/README.md)`,
        { cause: error },
      );
    }
    cached = { token: access.token, expiresOn: access.expiresOnTimestamp };
    return access.token;
  };
}
