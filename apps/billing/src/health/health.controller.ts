import { Controller, Get } from '@nestjs/common';

@Controller('health')
export class HealthController {
  /** Liveness: the process answers. Readiness checks arrive with the store and Kafka wiring. */
  @Get('live')
  live(): { status: 'ok' } {
    return { status: 'ok' };
  }
}
