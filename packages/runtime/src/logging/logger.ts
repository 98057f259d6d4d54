import { context, trace } from '@opentelemetry/api';
import { type Logger, pino } from 'pino';

export type { Logger };

/**
 * One pino root per process. Every line carries the active span's trace_id and span_id
 * (read at log time, so child loggers made before a span started still get them);
 * secrets are redacted by path.
 */
export function createLogger(options: { service: string; level: string; destination?: pino.DestinationStream }): Logger {
  return pino(
    {
      name: options.service,
      level: options.level,
      base: { service: options.service, pid: process.pid },
      redact: {
        paths: [
          'apiKey',
          '*.apiKey',
          'password',
          '*.password',
          'token',
          '*.token',
          'accessToken',
          '*.accessToken',
          'refreshToken',
          '*.refreshToken',
          'authorization',
          '*.authorization',
          'headers.authorization',
          'req.headers.authorization',
          '*.secret',
        ],
        censor: '[redacted]',
      },
      mixin() {
        const span = trace.getSpan(context.active());
        if (!span) return {};
        const { traceId, spanId } = span.spanContext();
        return { trace_id: traceId, span_id: spanId };
      },
    },
    options.destination,
  );
}
