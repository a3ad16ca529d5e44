// unleash-client (the Node server SDK) as an application would use it, driven over protocol.mjs.
// argv[2]: {"url", "token", "appName", "instanceId", "refreshInterval", "metricsInterval",
// "mode"}; "mode" is the SDK's experimentalMode ({type: 'streaming'}, or {type: 'polling',
// format: 'delta'}), its default when absent.
import { InMemStorageProvider, Unleash } from 'unleash-client';
import { config, describe, send, serve } from './protocol.mjs';

const options = config();
const unleash = new Unleash({
  url: options.url,
  appName: options.appName,
  instanceId: options.instanceId,
  refreshInterval: options.refreshInterval,
  metricsInterval: options.metricsInterval,
  customHeaders: { Authorization: options.token },
  storageProvider: new InMemStorageProvider(),
  skipInstanceCountWarning: true,
  ...(options.mode ? { experimentalMode: options.mode } : {}),
});

unleash.on('ready', () => send({ event: 'ready' }));
unleash.on('synchronized', () => send({ event: 'synchronized' }));
unleash.on('changed', () => send({ event: 'changed' }));
unleash.on('unchanged', () => send({ event: 'unchanged' }));
unleash.on('registered', (payload) => send({ event: 'registered', payload }));
unleash.on('sent', (payload) => send({ event: 'sent', payload }));
unleash.on('warn', (message) => send({ event: 'warn', message: describe(message) }));
unleash.on('error', (error) => send({ event: 'error', message: describe(error) }));
unleash.on('mode', (change) => send({ event: 'mode', change }));

serve(
  {
    isEnabled: (name, context) => unleash.isEnabled(name, context),
    getVariant: (name, context) => unleash.getVariant(name, context),
    flags: () => unleash.getFeatureToggleDefinitions().map((flag) => flag.name),
    flushMetrics: () => unleash.flushMetrics(),
    mode: () => unleash.repository?.getMode?.() ?? null,
  },
  () => unleash.destroy(),
);
