/**
 * `cordum registry serve`: opens storage (progress on stderr, as JSON log
 * lines), listens, prints one line `Cordum registry listening on URL` to
 * stdout, and closes cleanly on SIGTERM or SIGINT.
 */
import { resolve } from 'node:path';
import { assertPathFlag, runCommand } from '../../cli/output.js';
import { assertPortFree, hostOf, portOf } from '../../cli/port.js';
import type { ServeFlags } from '../cli.js';
import { systemClock } from '../clock.js';
import { jsonLogger } from '../log.js';
import { startRegistryServer } from '../server.js';
import { warmMarketplace } from '../marketplace/warm.js';
import { openRegistryServices } from '../wiring.js';
import { publicUrlOf } from '../urls.js';
import { hardeningFromFlags } from '../hardening/flags.js';
import { logKeySourceFromEnv } from '../tlog/signer.js';
import { oidcFromFlags } from '../oidc/flags.js';

function oidcOption(flags: ServeFlags) {
  const oidc = oidcFromFlags(flags, process.env);
  return oidc ? { oidc } : {};
}

function untilSignal(): Promise<NodeJS.Signals> {
  return new Promise((done) => {
    const on = (signal: NodeJS.Signals) => {
      process.off('SIGTERM', on);
      process.off('SIGINT', on);
      done(signal);
    };
    process.on('SIGTERM', on);
    process.on('SIGINT', on);
  });
}

export async function serve(flags: ServeFlags): Promise<void> {
  await runCommand({}, async () => {
    const port = portOf(flags.port);
    const host = hostOf(flags.host);
    assertPathFlag(flags.data, '--data');
    const publicUrl = flags.publicUrl === undefined ? undefined : publicUrlOf(flags.publicUrl);
    const log = jsonLogger((line) => process.stderr.write(line), systemClock);
    const stopped = untilSignal();
    const { hardening, tls, timeouts } = hardeningFromFlags(flags);
    const dataDir = resolve(flags.data);
    const { dataDir: _unused, ...logKey } = logKeySourceFromEnv(dataDir);
    await assertPortFree(port, host);
    const services = await openRegistryServices({
      hardening,
      logKey,
      dataDir,
      databaseUrl: process.env.DATABASE_URL || undefined,
      bootstrapToken: process.env.CORDUM_BOOTSTRAP_TOKEN || undefined,
      anonymousRead: flags.anonymousRead === true,
      metricsPublic: flags.metricsPublic === true,
      metricsToken: process.env.CORDUM_METRICS_TOKEN || undefined,
      log,
      ...oidcOption(flags),
    });
    let running;
    try {
      running = await startRegistryServer(services, {
        port,
        host,
        publicUrl,
        ...(tls ? { tls } : {}),
        timeouts,
      });
    } catch (err) {
      await services.close();
      throw err;
    }
    // A slow first query is the warm-up's, not a visitor's; failing it is harmless.
    await warmMarketplace(services.db).catch((err: Error) =>
      log.warn('marketplace warm-up failed', { error: err.message }));
    process.stdout.write(`Cordum registry listening on ${running.url}\n`);

    const signal = await stopped;
    log.info('shutting down', { signal });
    await running.close();
    log.info('stopped', {});
    return {};
  }, () => []);
}
