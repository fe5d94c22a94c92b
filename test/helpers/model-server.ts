// A scripted model server that lives exactly as long as the test using it.
import { startModelServer, type ModelServer, type ModelServerOptions } from '../../src/model-server/index.js';

/** Starts a model server with `options` and closes it when the test (or hook) ends. */
export async function serveScript(t: { teardown(fn: () => Promise<void> | void): void }, options: ModelServerOptions): Promise<ModelServer> {
  const server = await startModelServer(options);
  t.teardown(() => server.close());
  return server;
}
