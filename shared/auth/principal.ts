import { z } from 'zod';

/** Who is calling, as the platform's authentication established it. */
export interface Principal {
  /** The Entra object id (`oid`) of the user or the app's service principal. */
  readonly id: string;
  /** What a person reads in the audit: the display name, else the user name or the app id. */
  readonly name: string;
  /** The app roles in the token (`roles`), as assigned in Entra ID. */
  readonly roles: readonly string[];
  /** The identity provider (`aad` on Azure, `local` on the local host). */
  readonly provider: string;
}

/**
 * The decoded `X-MS-CLIENT-PRINCIPAL` header of App Service authentication: base64 of JSON with
 * the token's claims, and which claim types hold the name and the roles.
 * https://learn.microsoft.com/azure/app-service/configure-authentication-user-identities#decoding-the-client-principal-header
 */
const clientPrincipalSchema = z.object({
  auth_typ: z.string().min(1),
  claims: z.array(z.object({ typ: z.string(), val: z.string() })).max(500),
  name_typ: z.string().optional(),
  role_typ: z.string().optional(),
});
export type ClientPrincipal = z.infer<typeof clientPrincipalSchema>;

/** App Service maps the token's `oid` to this claim type; some callers keep `oid` itself. */
export const OBJECT_ID_CLAIMS = ['http://schemas.microsoft.com/identity/claims/objectidentifier', 'oid'];
const ROLE_CLAIMS = ['roles', 'http://schemas.microsoft.com/ws/2008/06/identity/claims/role'];
/** In this order: a person's display name first, an app's id last. */
const NAME_CLAIMS = ['name', 'preferred_username', 'appid', 'azp'];

export type DecodedPrincipal =
  { readonly ok: true; readonly principal: Principal } | { readonly ok: false; readonly reason: string };

function claimValues(principal: ClientPrincipal, types: readonly string[]): string[] {
  return principal.claims.filter((c) => types.includes(c.typ)).map((c) => c.val);
}

/** The first non-empty value of the first claim type (in the order given) that has one. */
function firstClaim(principal: ClientPrincipal, types: readonly string[]): string | undefined {
  for (const type of types) {
    const value = principal.claims.find((c) => c.typ === type && c.val.trim() !== '')?.val;
    if (value !== undefined) return value;
  }
  return undefined;
}

/**
 * Reads the principal from the platform's headers: the base64 JSON, and the `-ID` and `-NAME`
 * headers for what the claims leave out. Anything that does not decode is no principal at all.
 */
export function decodeClientPrincipal(
  header: string,
  fallback: { readonly id?: string | undefined; readonly name?: string | undefined } = {},
): DecodedPrincipal {
  let json: unknown;
  try {
    json = JSON.parse(Buffer.from(header, 'base64').toString('utf8')) as unknown;
  } catch {
    return { ok: false, reason: 'the client principal is not base64-encoded JSON' };
  }
  const parsed = clientPrincipalSchema.safeParse(json);
  if (!parsed.success) return { ok: false, reason: 'the client principal has no claims' };
  const claims = parsed.data;
  const id = firstClaim(claims, OBJECT_ID_CLAIMS) ?? fallback.id;
  if (id === undefined || id.trim() === '')
    return { ok: false, reason: 'the client principal names no object id' };
  const roleTypes = claims.role_typ === undefined ? ROLE_CLAIMS : [claims.role_typ, ...ROLE_CLAIMS];
  const [first, ...rest] = NAME_CLAIMS;
  const nameTypes = claims.name_typ === undefined ? NAME_CLAIMS : [first ?? 'name', claims.name_typ, ...rest];
  const name = firstClaim(claims, nameTypes) ?? fallback.name ?? id;
  return {
    ok: true,
    principal: { id, name, roles: [...new Set(claimValues(claims, roleTypes))], provider: claims.auth_typ },
  };
}

/** The header a platform would send for `principal` (the local host plays the platform). */
export function encodeClientPrincipal(principal: Principal): string {
  const claims: ClientPrincipal = {
    auth_typ: principal.provider,
    claims: [
      { typ: OBJECT_ID_CLAIMS[0] ?? 'oid', val: principal.id },
      { typ: 'name', val: principal.name },
      ...principal.roles.map((role) => ({ typ: 'roles', val: role })),
    ],
    name_typ: 'name',
    role_typ: 'roles',
  };
  return Buffer.from(JSON.stringify(claims), 'utf8').toString('base64');
}
