import { createHash } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import type { GraphiQLOptions } from 'graphql-yoga';

/** Where GraphiQL's files are served, below a version so that each may be cached for good. */
export const GRAPHIQL_ASSETS_PATH = '/graphiql/';

export interface GraphiQLAsset {
  contentType: string;
  body: Uint8Array<ArrayBuffer>;
  gzipped: Uint8Array<ArrayBuffer>;
}

export interface GraphiQLAssets {
  /** A digest of every file: a new GraphiQL build gets new URLs. */
  version: string;
  /** By file name, e.g. `graphiql.js`. */
  files: ReadonlyMap<string, GraphiQLAsset>;
}

/** Monaco asks for a worker by label; each is a file of its own on the gateway's origin. */
const WORKER_FILES: Readonly<Record<string, string>> = {
  editorWorkerService: 'editor.worker.js',
  json: 'json.worker.js',
  graphql: 'graphql.worker.js',
};

/**
 * Runs in the page after GraphiQL's bundle: reads the options from the page, points Monaco's
 * workers at the gateway's own files, and renders. A page whose server gave it tabs drops what
 * GraphiQL saved (`localStorage`, the address's `query`) before rendering, so that an earlier
 * page's state never hides them.
 * No inline script: the page's content security policy allows scripts from the origin only.
 */
const BOOT_SCRIPT = `(() => {
  const page = JSON.parse(document.getElementById('graphiql-page').textContent);
  const workers = ${JSON.stringify(WORKER_FILES)};
  self.MonacoEnvironment = {
    globalAPI: false,
    getWorkerUrl: (_moduleId, label) => page.assets + (workers[label] || workers.editorWorkerService),
  };
  if (page.options.defaultTabs) {
    const saved = ['tabState', 'query', 'variables', 'headers', 'operationName'];
    for (const key of saved) localStorage.removeItem('graphiql:' + key);
    // GraphiQL mirrors the edited query into the address; reloading would open it in place of the tabs.
    const address = new URL(location.href);
    if (address.searchParams.has('query')) {
      address.searchParams.delete('query');
      history.replaceState(null, '', address);
    }
  }
  YogaGraphiQL.renderYogaGraphiQL(document.getElementById('root'), page.options);
})();
`;

let loading: Promise<GraphiQLAssets> | undefined;

/**
 * GraphiQL's bundle, style sheet, Monaco workers and icon, from `@graphql-yoga/render-graphiql`
 * (about 9 MB), loaded and compressed once, on the first request for the page: a gateway whose
 * GraphiQL nobody opens never holds them.
 */
export function graphiqlAssets(): Promise<GraphiQLAssets> {
  loading ??= import('@graphql-yoga/render-graphiql/graphiql').then((bundle) => {
    const favicon = bundle.favicon.slice(bundle.favicon.indexOf(',') + 1);
    const sources: Array<[string, string, string | Buffer]> = [
      ['graphiql.js', 'text/javascript; charset=utf-8', bundle.js],
      ['graphiql.css', 'text/css; charset=utf-8', bundle.css],
      [WORKER_FILES.editorWorkerService!, 'text/javascript; charset=utf-8', bundle.editorWorkerService],
      [WORKER_FILES.json!, 'text/javascript; charset=utf-8', bundle.jsonWorker],
      [WORKER_FILES.graphql!, 'text/javascript; charset=utf-8', bundle.graphqlWorker],
      ['boot.js', 'text/javascript; charset=utf-8', BOOT_SCRIPT],
      ['favicon.ico', 'image/x-icon', Buffer.from(favicon, 'base64')],
    ];
    const digest = createHash('sha256');
    const files = new Map<string, GraphiQLAsset>();
    for (const [name, contentType, source] of sources) {
      const body = typeof source === 'string' ? Buffer.from(source, 'utf8') : source;
      digest.update(name).update(body);
      files.set(name, { contentType, body: bytes(body), gzipped: bytes(gzipSync(body)) });
    }
    return { version: digest.digest('hex').slice(0, 16), files };
  });
  return loading;
}

/**
 * The content security policy of GraphiQL's page: everything from the gateway's own origin, so the
 * browser itself refuses any request elsewhere (a CDN, a font host). Monaco sets inline styles and
 * GraphiQL shows images as data URLs.
 */
export const GRAPHIQL_CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "font-src 'self' data:",
  "worker-src 'self'",
  "connect-src 'self'",
  "frame-ancestors 'none'",
  "base-uri 'none'",
  "form-action 'none'",
].join('; ');

/** GraphiQL's HTML page: no inline script and no URL outside the gateway's origin. */
export function renderGraphiQLPage(options: GraphiQLOptions, version: string): string {
  const assets = `${GRAPHIQL_ASSETS_PATH}${version}/`;
  // `<` escaped, so no string in the options can close the script element.
  const page = JSON.stringify({ assets, options }).replace(/</g, '\\u003c');
  return `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <title>${escapeHtml(options.title ?? 'GraphiQL')}</title>
    <link rel="icon" href="${assets}favicon.ico" />
    <link rel="stylesheet" href="${assets}graphiql.css" />
    <style>
      /* GraphiQL's tabs can be dragged to reorder them; the drag offsets them as the button is
         pressed, so the release lands beside the tab and the click never selects it. */
      .graphiql-tab { transform: none !important; }
    </style>
  </head>
  <body id="body" class="no-focus-outline">
    <noscript>GraphiQL needs JavaScript.</noscript>
    <div id="root"></div>
    <script type="application/json" id="graphiql-page">${page}</script>
    <script src="${assets}graphiql.js"></script>
    <script src="${assets}boot.js"></script>
  </body>
</html>
`;
}

function bytes(buffer: Buffer): Uint8Array<ArrayBuffer> {
  return new Uint8Array(buffer.buffer as ArrayBuffer, buffer.byteOffset, buffer.byteLength);
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
