// Errors the simulated SageMaker raises. The HTTP layer sends them as {"__type": type, "message": message},
// which the SDK turns into its typed exception classes (or the base exception with `name` = type).

import { AwsError } from '../protocol';

/** e.g. new SageMakerApiError('ValidationException', 'Could not find endpoint ...'). */
export class SageMakerApiError extends AwsError {}

export function validationError(message: string): SageMakerApiError {
  return new SageMakerApiError('ValidationException', message);
}
