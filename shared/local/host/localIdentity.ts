import { createHash, randomBytes } from 'node:crypto';

import { encodeClientPrincipal, type Principal } from '../../auth/principal';
import { ALERT_SENDER_ROLE } from '../../auth/roles';
import { RESERVED_LOCAL_NAME } from '../../config/loadConfig';

/** A person or app the local host can sign in. */
export interface LocalUser {
  readonly name: string;
  readonly roles: readonly string[];
}

export interface LocalIdentityOptions {
  readonly users: readonly LocalUser[];
  /** `default-user`: a request without a token is the first user; `strict`: it is nobody. */
  readonly mode: 'default-user' | 'strict';
}

/** The simulated Azure Monitor action group: an app holding only the alert sender role. */
export const LOCAL_ACTION_GROUP: LocalUser = {
  name: RESERVED_LOCAL_NAME,
  roles: [ALERT_SENDER_ROLE],
};

/**
 * The cookie of App Service authentication's browser session; locally it holds the user's token
 * (on Azure an encrypted session the platform issues at /.auth/login/aad).
 */
export const SESSION_COOKIE = 'AppServiceAuthSession';

/** The identity headers App Service authentication owns: a client's own are removed, always. */
const PLATFORM_HEADER = /^x-ms-(client-principal|token-)/i;

export function isPlatformIdentityHeader(name: string): boolean {
  return PLATFORM_HEADER.test(name);
}

export type SignIn =
  | { readonly kind: 'principal'; readonly principal: Principal }
  | { readonly kind: 'anonymous' }
  | { readonly kind: 'invalid-token'; readonly detail: string };

/** A stable object id per local name, shaped as a GUID as Entra's are. */
function localObjectId(name: string): string {
  const hex = createHash('sha256').update(`synaxis-local-user:${name}`).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}

/**
 * The local host's stand-in for App Service authentication with Entra ID: it signs requests in
 * from a bearer token it issued (one random token per user, per host), or as the default user,
 * and sets the platform's headers; it never takes an identity from a request's own headers.
 */
export class LocalIdentity {
  private readonly byToken = new Map<string, Principal>();
  private readonly tokens = new Map<string, string>();
  private readonly defaultUser: Principal | undefined;

  constructor(options: LocalIdentityOptions) {
    for (const user of [...options.users, LOCAL_ACTION_GROUP]) {
      if (this.tokens.has(user.name)) continue;
      const principal: Principal = {
        id: localObjectId(user.name),
        name: user.name,
        roles: [...user.roles],
        provider: 'local',
      };
      const token = `local.${randomBytes(24).toString('base64url')}`;
      this.byToken.set(token, principal);
      this.tokens.set(user.name, token);
    }
    const first = options.users[0];
    this.defaultUser =
      options.mode === 'default-user' && first !== undefined
        ? this.byToken.get(this.tokens.get(first.name) ?? '')
        : undefined;
  }

  /** The bearer token that signs `name` in (tools, tests, the simulated action group). */
  tokenFor(name: string): string {
    const token = this.tokens.get(name);
    if (token === undefined) throw new Error(`there is no local user '${name}'`);
    return token;
  }

  /** The principal a local user signs in as (tests compare the audit with it). */
  principalOf(name: string): Principal {
    const principal = this.byToken.get(this.tokenFor(name));
    if (principal === undefined) throw new Error(`there is no local user '${name}'`);
    return principal;
  }

  get defaultPrincipal(): Principal | undefined {
    return this.defaultUser;
  }

  get userNames(): string[] {
    return [...this.tokens.keys()];
  }

  /**
   * Who a request signs in as: its bearer token, else its session cookie, else the default user.
   * A token this host did not issue is refused (401), as App Service refuses an invalid token.
   */
  signIn(authorization: string | undefined, cookie?: string): SignIn {
    const session = sessionToken(cookie);
    if (authorization === undefined || authorization.trim() === '') {
      if (session !== undefined) return this.signIn(`Bearer ${session}`);
      return this.defaultUser === undefined
        ? { kind: 'anonymous' }
        : { kind: 'principal', principal: this.defaultUser };
    }
    const match = /^Bearer\s+(\S+)$/i.exec(authorization.trim());
    if (match === null)
      return { kind: 'invalid-token', detail: "the Authorization header is not 'Bearer <token>'" };
    const principal = this.byToken.get(match[1] ?? '');
    return principal === undefined
      ? { kind: 'invalid-token', detail: 'the bearer token was not issued by this local host' }
      : { kind: 'principal', principal };
  }
}

function sessionToken(cookie: string | undefined): string | undefined {
  for (const part of (cookie ?? '').split(';')) {
    const [name, ...value] = part.trim().split('=');
    if (name === SESSION_COOKIE && value.length > 0) return decodeURIComponent(value.join('='));
  }
  return undefined;
}

/** The headers App Service authentication sets for a signed-in principal. */
export function platformHeadersFor(principal: Principal): Record<string, string> {
  return {
    'x-ms-client-principal': encodeClientPrincipal(principal),
    'x-ms-client-principal-id': principal.id,
    'x-ms-client-principal-name': principal.name,
    'x-ms-client-principal-idp': principal.provider,
  };
}

/**
 * Azure Monitor's action group calling the alert receiver over HTTP, as the real one does, with
 * its secure webhook: a bearer token for the app that holds Stamps.AlertSender. Answers the
 * receiver's status (the body is read and dropped).
 */
export async function postAsActionGroup(
  origin: string,
  identity: LocalIdentity,
  body: string,
): Promise<number> {
  const response = await fetch(`${origin}/api/alerts`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      authorization: `Bearer ${identity.tokenFor(LOCAL_ACTION_GROUP.name)}`,
    },
    body,
  });
  await response.arrayBuffer();
  return response.status;
}
