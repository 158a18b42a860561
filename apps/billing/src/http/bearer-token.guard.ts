import { CanActivate, ExecutionContext, Inject, Injectable } from '@nestjs/common';
import { Request } from 'express';
import { createHash, timingSafeEqual } from 'node:crypto';
import { ServiceConfig } from '../config/service-config';
import { SERVICE_CONFIG } from '../runtime/tokens';
import { ProblemException } from './problem';

/**
 * `/v1/` requires `Authorization: Bearer <BILLING_API_TOKEN>`; `/v1/admin/` accepts the
 * admin token when one is configured. Tokens are compared in constant time (as digests,
 * so their lengths leak nothing either). Without a token the service only listens on
 * loopback (checked at start-up), and the API is open to local callers.
 */
@Injectable()
export class BearerTokenGuard implements CanActivate {
  constructor(@Inject(SERVICE_CONFIG) private readonly config: ServiceConfig) {}

  canActivate(context: ExecutionContext): boolean {
    const request = context.switchToHttp().getRequest<Request>();
    const admin = request.path.startsWith('/v1/admin/');
    const accepted = [
      admin ? this.config.adminToken : null,
      admin && this.config.adminToken ? null : this.config.apiToken,
    ].filter((token): token is string => token !== null);
    if (accepted.length === 0) return true;
    const presented = /^Bearer (.+)$/.exec(request.header('authorization') ?? '')?.[1];
    if (presented !== undefined && accepted.some((token) => sameSecret(presented, token))) return true;
    throw new ProblemException(
      401,
      'unauthorized',
      presented === undefined ? 'missing bearer token' : 'invalid bearer token',
      'Authorization',
    );
  }
}

function sameSecret(a: string, b: string): boolean {
  return timingSafeEqual(createHash('sha256').update(a).digest(), createHash('sha256').update(b).digest());
}
