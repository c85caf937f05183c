import { Module } from '@nestjs/common';
import { AudiencesController } from './audiences.controller';

/** The audience subscription routes; the services they use come from the global workbench providers (app.module.ts). */
@Module({ controllers: [AudiencesController] })
export class AudiencesModule {}
