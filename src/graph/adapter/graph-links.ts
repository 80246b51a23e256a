/**
 * The path below `baseUrl` of `link`, an absolute URL that Graph handed out (`@odata.nextLink`),
 * when the link is a page of `collectionPath` on this Graph: same origin, no credentials or
 * fragment, and a path that is exactly `{base path}{collectionPath}` (Graph's segments compare
 * case-insensitively). Anything else is `undefined` and must never be requested.
 *
 * The check runs on the link as the WHATWG parser reads it, which is also how undici will read
 * `${baseUrl}${returned path}`: dot segments, encoded slashes and `user@host` tricks either
 * resolve to a different path or origin here, and so are refused, or never reach the wire.
 */
export function pagePathBelow(baseUrl: string, link: string, collectionPath: string): string | undefined {
  let base: URL;
  let url: URL;
  try {
    base = new URL(baseUrl);
    url = new URL(link);
  } catch {
    return undefined;
  }
  if (url.origin !== base.origin || url.username !== '' || url.password !== '' || url.hash !== '') {
    return undefined;
  }
  const basePath = base.pathname.replace(/\/+$/, '');
  if (url.pathname.toLowerCase() !== `${basePath}${collectionPath}`.toLowerCase()) return undefined;
  return `${url.pathname.slice(basePath.length)}${url.search}`;
}
