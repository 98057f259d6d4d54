import { z } from 'zod';

/**
 * The variables of a service's health and metrics endpoint: each worker service extends
 * its config with these (`RuntimeEnv.extend(HealthEnv.shape)`). Off (0) unless set, so
 * several services on one machine, and the tests, never fight over a port; the deploy
 * manifests set 9464 (the port OpenTelemetry's Prometheus exporter uses).
 */
export const HealthEnv = z.object({
  METRICS_PORT: z.coerce
    .number()
    .int()
    .min(0)
    .max(65_535)
    .default(0)
    .describe(
      'Port for /metrics (Prometheus), /healthz (liveness) and /readyz (readiness) of a worker service; 0 = off. deploy/ uses 9464.',
    ),
  METRICS_HOST: z.string().default('0.0.0.0').describe('Interface the METRICS_PORT endpoint listens on.'),
});
export type HealthEnv = z.output<typeof HealthEnv>;
