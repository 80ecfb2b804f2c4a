import { Body, Controller, HttpCode, Param, Post } from '@nestjs/common';
import { ApiBody, ApiOperation, ApiTags } from '@nestjs/swagger';
import { tenantIdSchema } from '@switchboard/contracts';
import { CurrentPrincipal, Principal, Roles, ZodValidationPipe } from '@switchboard/platform';
import { AmazonConnectUseCase, type ConnectResult } from './amazon-connect.use-case';

@ApiTags('webhooks')
@Controller('v1/webhooks/amazon-connect')
export class AmazonConnectController {
  constructor(private readonly connect: AmazonConnectUseCase) {}

  @Post(':tenant')
  @HttpCode(202)
  @Roles('ingest', 'admin')
  @ApiOperation({
    summary: 'Amazon Connect contact events (EventBridge) and agent event stream records',
    description: 'Authenticate with a bearer token (role ingest or admin) of the tenant in the path, e.g. from an EventBridge API destination.',
  })
  @ApiBody({ schema: { oneOf: [{ type: 'object' }, { type: 'array', items: { type: 'object' } }] } })
  async receive(
    @Param('tenant', new ZodValidationPipe(tenantIdSchema, 'tenant')) tenantId: string,
    @Body() body: unknown,
    @CurrentPrincipal() principal: Principal,
  ): Promise<ConnectResult> {
    principal.assertTenant(tenantId);
    return this.connect.execute(tenantId, body);
  }
}
