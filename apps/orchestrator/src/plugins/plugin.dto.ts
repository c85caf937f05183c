import { ApiProperty } from '@nestjs/swagger';
import { PLUGIN_KINDS } from '@workbench/plugin-sdk';
import type { PluginListing, PluginReadme } from '@workbench/services';
import { ApiDate, ApiNullableString, ApiObject } from '../common/api-schema';

export class PluginDto implements PluginListing {
  @ApiProperty({ example: 'segmenter-kmeans' }) name!: string;
  @ApiProperty() version!: string;
  @ApiProperty({ enum: PLUGIN_KINDS }) kind!: PluginListing['kind'];
  @ApiProperty() description!: string;
  @ApiProperty({ description: 'plugin SDK range it was built for' }) sdk!: string;
  @ApiProperty({ description: "'builtin', a folder or a package name" }) source!: string;
  @ApiObject('JSON Schema of its params') paramsSchema!: Record<string, unknown>;
  @ApiProperty() registeredBy!: string;
  @ApiDate(undefined, true) registeredAt!: Date | null;
  @ApiProperty({ description: 'false once an admin disabled this version: no new runs, not loaded at start' })
  enabled!: boolean;
  @ApiNullableString() disabledBy!: string | null;
  @ApiDate(undefined, true) disabledAt!: Date | null;
}

export class PluginReadmeDto implements PluginReadme {
  @ApiProperty({ example: 'segmenter-kmeans' }) name!: string;
  @ApiProperty({ description: 'the version this process runs' }) version!: string;
  @ApiNullableString("the plugin's README.md (markdown), null when it has none") readme!: string | null;
}
