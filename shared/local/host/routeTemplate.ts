import { StampsError } from '../../errors';

/** A route template the local host cannot serve (complex segments such as `{a}.{b}`). */
export class InvalidRouteTemplateError extends StampsError {
  readonly code = 'InvalidRouteTemplate';
  readonly retryable = false;

  constructor(
    readonly template: string,
    reason: string,
  ) {
    super(`invalid route template '${template}': ${reason}`);
  }
}

type Segment =
  | { readonly kind: 'literal'; readonly text: string }
  | {
      readonly kind: 'param';
      readonly name: string;
      readonly constraint: string | undefined;
      readonly optional: boolean;
      readonly defaultValue: string | undefined;
    }
  | { readonly kind: 'catchAll'; readonly name: string };

/** A parsed ASP.NET-style route template, as the Functions host reads `route`. */
export interface RouteTemplate {
  readonly template: string;
  readonly segments: readonly Segment[];
  /**
   * Lower sorts first: per segment a literal (1) beats a constrained parameter (2), a parameter
   * (3), an optional one (4) and a catch-all (5), as in ASP.NET routing precedence.
   */
  readonly precedence: readonly number[];
}

const PARAM = /^\{(\*)?([A-Za-z_][A-Za-z0-9_]*)(?::([A-Za-z]+(?:\([^)]*\))?))?(\?)?(?:=([^}]*))?\}$/;

function parseSegment(text: string, template: string): Segment {
  if (!text.includes('{') && !text.includes('}')) return { kind: 'literal', text: text.toLowerCase() };
  const match = PARAM.exec(text);
  if (match === null) {
    throw new InvalidRouteTemplateError(template, `segment '${text}' is not a literal or one {parameter}`);
  }
  const [, star, name = '', constraint, optional, defaultValue] = match;
  if (star !== undefined) return { kind: 'catchAll', name };
  return {
    kind: 'param',
    name,
    constraint: constraint?.toLowerCase(),
    optional: optional !== undefined || defaultValue !== undefined,
    defaultValue,
  };
}

/** Parses a route template such as `stamps/{id}/drain` (no leading slash, no prefix). */
export function parseRouteTemplate(template: string): RouteTemplate {
  const trimmed = template.replace(/^\/+|\/+$/g, '');
  const parts = trimmed.length === 0 ? [] : trimmed.split('/');
  const segments = parts.map((part) => parseSegment(part, template));
  segments.forEach((segment, index) => {
    const last = index === segments.length - 1;
    if (segment.kind === 'catchAll' && !last) {
      throw new InvalidRouteTemplateError(template, 'a catch-all parameter must be the last segment');
    }
    if (segment.kind === 'param' && segment.optional && !last) {
      const rest = segments.slice(index + 1);
      if (rest.some((s) => s.kind !== 'param' || !s.optional)) {
        throw new InvalidRouteTemplateError(template, `optional parameter '${segment.name}' must come last`);
      }
    }
  });
  const precedence = segments.map((s) => {
    if (s.kind === 'literal') return 1;
    if (s.kind === 'catchAll') return 5;
    if (s.optional) return 4;
    return s.constraint === undefined ? 3 : 2;
  });
  return { template, segments, precedence };
}

/** Orders templates so that the most specific one is tried first. */
export function compareRoutePrecedence(a: RouteTemplate, b: RouteTemplate): number {
  const length = Math.max(a.precedence.length, b.precedence.length);
  for (let i = 0; i < length; i++) {
    const diff = (a.precedence[i] ?? 0) - (b.precedence[i] ?? 0);
    if (diff !== 0) return diff;
  }
  return 0;
}

function satisfies(constraint: string | undefined, value: string): boolean {
  switch (constraint) {
    case undefined:
      return true;
    case 'int':
    case 'long':
      return /^-?\d+$/.test(value);
    case 'alpha':
      return /^[A-Za-z]+$/.test(value);
    case 'bool':
      return /^(true|false)$/i.test(value);
    case 'guid':
      return /^[0-9a-f]{8}-?([0-9a-f]{4}-?){3}[0-9a-f]{12}$/i.test(value);
    default:
      return true; // other constraints (minlength(3), regex(...)) are not checked locally
  }
}

/**
 * Matches decoded path segments against a template; returns the route parameters, or
 * `undefined` when it does not match. Literals compare case-insensitively, as on Azure.
 */
export function matchRoute(
  route: RouteTemplate,
  segments: readonly string[],
): Record<string, string> | undefined {
  const params: Record<string, string> = {};
  let index = 0;
  for (const segment of route.segments) {
    const value = segments[index];
    if (segment.kind === 'catchAll') {
      params[segment.name] = segments.slice(index).join('/');
      return params;
    }
    if (value === undefined || value.length === 0) {
      if (segment.kind === 'param' && segment.optional) {
        if (segment.defaultValue !== undefined) params[segment.name] = segment.defaultValue;
        index++;
        continue;
      }
      return undefined;
    }
    if (segment.kind === 'literal') {
      if (value.toLowerCase() !== segment.text) return undefined;
    } else {
      if (!satisfies(segment.constraint, value)) return undefined;
      params[segment.name] = value;
    }
    index++;
  }
  return index >= segments.length ? params : undefined;
}
