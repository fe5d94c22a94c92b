// The child's view of the proxy: base URLs, proxy variables, trust bundles and placeholders.
// Nothing here is secret except the route token embedded in the URLs, which only identifies the
// session (an agent can do nothing with its own token it could not do anyway).
import type { SessionRoute } from './types.js';

/** Variables a vendor SDK reads for its base URL, by reverse route. */
const BASE_URL_VARS: Readonly<Record<string, string[]>> = {
  anthropic: ['ANTHROPIC_BASE_URL'],
  openai: ['OPENAI_BASE_URL'],
};

export function proxyEnvFor(route: SessionRoute): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [name, url] of Object.entries(route.baseUrls)) {
    for (const v of BASE_URL_VARS[name] ?? []) env[v] = url;
  }
  for (const v of ['HTTP_PROXY', 'HTTPS_PROXY', 'ALL_PROXY']) {
    env[v] = route.proxyUrl;
    env[v.toLowerCase()] = route.proxyUrl;
  }
  // Empty, not absent: the runtime overlays this on an inherited env, so an inherited NO_PROXY must go.
  env.NO_PROXY = '';
  env.no_proxy = '';
  // NODE_EXTRA_CA_CERTS adds to Node's roots; the others replace their tool's roots, hence the bundle.
  env.NODE_EXTRA_CA_CERTS = route.caCertPath;
  env.SSL_CERT_FILE = route.caBundlePath;
  env.GIT_SSL_CAINFO = route.caBundlePath;
  env.REQUESTS_CA_BUNDLE = route.caBundlePath;
  env.CURL_CA_BUNDLE = route.caBundlePath;
  env.AWS_CA_BUNDLE = route.caBundlePath;
  env.DENO_CERT = route.caBundlePath;
  env.CARGO_HTTP_CAINFO = route.caBundlePath;
  env.npm_config_cafile = route.caBundlePath;
  for (const [name, placeholder] of Object.entries(route.placeholders)) env[name] = placeholder;
  return env;
}
