import { Body, Controller, Delete, Get, HttpCode, Param, Put } from '@nestjs/common';
import { ApiBody, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, NotFoundError, openApiSchema, Principal, Roles, ValidationError, zodIssues, ZodValidationPipe } from '@switchboard/platform';
import { integrationKindSchema, integrationSettingsSchemas, type IntegrationKind, type IntegrationSettingsByKind } from './integration-settings.schema';
import { IntegrationsService, type IntegrationView } from './integrations.service';

const kindPipe = new ZodValidationPipe(integrationKindSchema, 'kind');

@ApiTags('integrations')
@Controller('v1/integrations')
@Roles('admin')
export class IntegrationsController {
  constructor(private readonly integrations: IntegrationsService) {}

  @Put(':kind')
  @ApiOperation({ summary: "Configure the tenant's twilio, asterisk or freeswitch integration (the secret is stored encrypted and never returned)" })
  @ApiBody({ schema: { oneOf: Object.values(integrationSettingsSchemas).map((s) => openApiSchema(s)) } as never })
  async put(@Param('kind', kindPipe) kind: IntegrationKind, @Body() body: unknown, @CurrentPrincipal() principal: Principal): Promise<IntegrationView> {
    const parsed = integrationSettingsSchemas[kind].safeParse(body);
    if (!parsed.success) throw new ValidationError(`Invalid ${kind} settings.`, zodIssues(parsed.error));
    return this.integrations.put(principal.tenant, kind, parsed.data as IntegrationSettingsByKind[typeof kind]);
  }

  @Get(':kind')
  @ApiOperation({ summary: 'Whether the integration is configured, its settings without the secret, and the connection state' })
  async get(@Param('kind', kindPipe) kind: IntegrationKind, @CurrentPrincipal() principal: Principal): Promise<IntegrationView> {
    return this.integrations.view(principal.tenant, kind);
  }

  @Delete(':kind')
  @HttpCode(204)
  @ApiOperation({ summary: 'Remove the integration (socket clients disconnect)' })
  async remove(@Param('kind', kindPipe) kind: IntegrationKind, @CurrentPrincipal() principal: Principal): Promise<void> {
    if (!(await this.integrations.remove(principal.tenant, kind))) throw new NotFoundError(`No ${kind} integration is configured.`, 'INTAKE.INTEGRATION_NOT_FOUND');
  }
}
