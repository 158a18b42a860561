import { INestApplication } from '@nestjs/common';
import { DocumentBuilder, OpenAPIObject, SwaggerModule } from '@nestjs/swagger';

/** The OpenAPI document, generated from the controllers and their DTO classes. */
export function openApiDocument(app: INestApplication): OpenAPIObject {
  const config = new DocumentBuilder()
    .setTitle('Smart Me ID-service billing')
    .setDescription(
      'The HTTP API of the billing service (interfaces.md §4). Everything under /v1/ takes `Authorization: Bearer <token>` (BILLING_API_TOKEN; /v1/admin/ may take BILLING_ADMIN_TOKEN). Errors are RFC 9457 problem documents naming the field.',
    )
    .setVersion('1')
    .addBearerAuth({
      type: 'http',
      scheme: 'bearer',
      description: 'BILLING_API_TOKEN, or BILLING_ADMIN_TOKEN for /v1/admin/',
    })
    .build();
  return SwaggerModule.createDocument(app, config);
}

/** Swagger UI at /docs and the document at /docs-json, without a token like the health probes. */
export function serveOpenApi(app: INestApplication): void {
  SwaggerModule.setup('docs', app, () => openApiDocument(app), {
    jsonDocumentUrl: 'docs-json',
    yamlDocumentUrl: 'docs-yaml',
  });
}
