import { join } from 'node:path';
import { Module } from '@nestjs/common';
import { MulterModule } from '@nestjs/platform-express';
import type { WorkbenchConfig } from '@workbench/services';
import { CONFIG } from '../app/config.token';
import { DatasetsController } from './datasets.controller';

/** Where uploads wait while they are ingested: a folder of the workbench's home, not the machine's shared temp dir. */
export const uploadDir = (config: WorkbenchConfig) => join(config.home, 'uploads');

/** The datasets routes; the services they use come from the global workbench providers (app.module.ts). */
@Module({
  imports: [
    MulterModule.registerAsync({
      inject: [CONFIG],
      useFactory: (config: WorkbenchConfig) => ({ dest: uploadDir(config) }),
    }),
  ],
  controllers: [DatasetsController],
})
export class DatasetsModule {}
