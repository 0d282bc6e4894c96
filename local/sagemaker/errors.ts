// Errors the simulated SageMaker raises. The HTTP layer sends them as {"__type": type, "message": message},
// which the SDK turns into its typed exception classes (or the base exception with `name` = type).

export class SageMakerApiError extends Error {
  constructor(
    /** The wire error code, e.g. 'ValidationException', 'ResourceNotFound', 'ResourceInUse'. */
    readonly type: string,
    message: string,
    readonly statusCode = 400,
  ) {
    super(message);
    this.name = type;
  }
}

export function validationError(message: string): SageMakerApiError {
  return new SageMakerApiError('ValidationException', message);
}
