import { Module } from '@nestjs/common';
import { SegmentationsController } from './segmentations.controller';

/** The segmentations routes; the services they use come from the global workbench providers (app.module.ts). */
@Module({ controllers: [SegmentationsController] })
export class SegmentationsModule {}
