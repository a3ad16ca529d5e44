// The client specification through unleash-client: one SDK instance per spec file. It polls the
// server until it holds every flag the state loaded, then evaluates every case.
// argv[2]: {"url", "token", "appName", "timeoutMs"}.
// stdin: {"flags": [names the server must serve], "cases": [{"kind", "toggleName", "context"}]}.
// stdout: {"results": [isEnabled's boolean or getVariant's variant, one per case]}, or
// {"error": message} when the SDK never held the flags.
import { InMemStorageProvider, Unleash } from 'unleash-client';
import { config, describe, readAll, send } from './protocol.mjs';

const options = config();
const { flags, cases } = await readAll();
const unleash = new Unleash({
  url: options.url,
  appName: options.appName,
  refreshInterval: 100,
  disableMetrics: true,
  customHeaders: { Authorization: options.token },
  storageProvider: new InMemStorageProvider(),
  skipInstanceCountWarning: true,
});

function holdsEveryFlag() {
  const held = new Set(unleash.getFeatureToggleDefinitions().map((flag) => flag.name));
  return unleash.isSynchronized() && flags.every((name) => held.has(name));
}

try {
  await new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`the SDK did not get every flag in ${options.timeoutMs} ms`)),
      options.timeoutMs,
    );
    const check = () => {
      if (holdsEveryFlag()) {
        clearTimeout(timer);
        resolve();
      }
    };
    unleash.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    unleash.on('synchronized', check);
    unleash.on('changed', check);
    unleash.on('unchanged', check);
  });
  send({
    results: cases.map(({ kind, toggleName, context }) =>
      kind === 'enabled'
        ? unleash.isEnabled(toggleName, context)
        : unleash.getVariant(toggleName, context),
    ),
  });
} catch (error) {
  send({ error: describe(error) });
} finally {
  unleash.destroy();
}
