import { Module } from '@nestjs/common';
import { PluginsController } from './plugins.controller';

/** The plugins routes; the services they use come from the global workbench providers (app.module.ts). */
@Module({ controllers: [PluginsController] })
export class PluginsModule {}
