import { Module } from '@nestjs/common';
import { ApiKeysController } from './api-keys.controller';

/** The api-keys routes; the services they use come from the global workbench providers (app.module.ts). */
@Module({ controllers: [ApiKeysController] })
export class ApiKeysModule {}
