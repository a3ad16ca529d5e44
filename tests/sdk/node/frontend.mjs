// unleash-proxy-client (the browser SDK; Node 20 gives it a global fetch) as a web page would
// use it, driven over protocol.mjs.
// argv[2]: {"url", "token", "appName", "refreshInterval", "metricsInterval", "context"}.
import { InMemoryStorageProvider, UnleashClient } from 'unleash-proxy-client';
import { config, describe, send, serve } from './protocol.mjs';

const options = config();
const unleash = new UnleashClient({
  url: options.url,
  clientKey: options.token,
  appName: options.appName,
  refreshInterval: options.refreshInterval,
  metricsInterval: options.metricsInterval,
  metricsIntervalInitial: options.metricsInterval,
  context: options.context,
  storageProvider: new InMemoryStorageProvider(),
});

unleash.on('ready', () => send({ event: 'ready' }));
unleash.on('update', () => send({ event: 'update' }));
unleash.on('recovered', () => send({ event: 'recovered' }));
unleash.on('sent', (payload) => send({ event: 'sent', payload }));
unleash.on('warn', (message) => send({ event: 'warn', message: describe(message) }));
unleash.on('error', (error) => send({ event: 'error', message: describe(error) }));

serve(
  {
    start: () => unleash.start(),
    isEnabled: (name) => unleash.isEnabled(name),
    getVariant: (name) => unleash.getVariant(name),
    updateContext: (context) => unleash.updateContext(context),
    sendMetrics: () => unleash.sendMetrics(),
  },
  () => {
    unleash.stop();
    // stop() leaves the first metrics timer (metricsIntervalInitial) armed, and that timer
    // starts the periodic one: a page would just close, so this process exits once stdout is out.
    process.stdout.write('', () => process.exit(0));
  },
);
