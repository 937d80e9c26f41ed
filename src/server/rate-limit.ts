/**
 * Requests per minute, per API key (or per client address without one), with a 429 that says when
 * to retry. In memory: one process, as the server runs; a fleet would move the counters to a shared store.
 */
import { createHash } from 'node:crypto';
import type { RequestHandler } from 'express';
import { RateLimiterMemory, RateLimiterRes } from 'rate-limiter-flexible';

export interface RateLimits {
  /** Requests a minute with an API key. */
  perKey: number;
  /** Requests a minute from one address without a key. */
  perAddress: number;
}

export const DEFAULT_RATE_LIMITS: RateLimits = {
  perKey: Number(process.env.RATE_LIMIT_PER_KEY ?? 1200),
  perAddress: Number(process.env.RATE_LIMIT_PER_ADDRESS ?? 300),
};

export function rateLimit(limits: RateLimits = DEFAULT_RATE_LIMITS): RequestHandler {
  const keyed = new RateLimiterMemory({ points: limits.perKey, duration: 60 });
  const anonymous = new RateLimiterMemory({ points: limits.perAddress, duration: 60 });
  return async (req, res, next) => {
    const authorization = req.headers.authorization;
    const [limiter, id] = authorization
      ? [keyed, createHash('sha256').update(authorization).digest('hex')]
      : [anonymous, req.ip ?? 'unknown'];
    try {
      const state = await limiter.consume(id);
      res.setHeader('RateLimit-Remaining', String(state.remainingPoints));
      next();
    } catch (rejection) {
      if (!(rejection instanceof RateLimiterRes)) return next(rejection);
      const seconds = Math.ceil(rejection.msBeforeNext / 1000);
      res.setHeader('Retry-After', String(seconds));
      res.status(429).json({
        errors: [
          {
            message: `rate limit reached: retry in ${seconds} s`,
            extensions: { code: 'RATE_LIMITED', retryAfterSeconds: seconds },
          },
        ],
      });
    }
  };
}
