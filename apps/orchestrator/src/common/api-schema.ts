import { applyDecorators } from '@nestjs/common';
import { ApiProperty } from '@nestjs/swagger';

// Small helpers for response DTOs, so each field says in one line what it holds and whether it may be null.

/** A free-form JSON object (plugin params, metrics, stats): its keys depend on the plugin or dataset. */
export const ApiObject = (description: string, nullable = false) =>
  ApiProperty({ type: 'object', additionalProperties: true, description, nullable });

/** A string that may be null. */
export const ApiNullableString = (description?: string) => ApiProperty({ type: String, nullable: true, description });

/** A number that may be null. */
export const ApiNullableNumber = (description?: string) => ApiProperty({ type: Number, nullable: true, description });

/** An ISO 8601 timestamp (JSON has no dates). */
export const ApiDate = (description?: string, nullable = false) =>
  applyDecorators(ApiProperty({ type: String, format: 'date-time', nullable, description }));
