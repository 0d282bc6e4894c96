// CloudWatch's errors as its JSON protocol sends them. CloudWatch moved from the Query protocol to JSON 1.0
// keeping its old error codes (the `awsQueryCompatible` trait): the body's __type names the modelled shape
// (com.amazonaws.cloudwatch#InvalidParameterValueException) and the `x-amzn-query-error` header carries the
// Query code and fault ("InvalidParameterValue;Sender"), which the SDK uses to pick the error class.

import { AwsError } from '../protocol';

/** The Query codes GetMetricData answers with, and the modelled shape each one is. */
const SHAPES: Record<string, string> = {
  InvalidParameterValue: 'InvalidParameterValueException',
  InvalidParameterCombination: 'InvalidParameterCombinationException',
  MissingParameter: 'MissingRequiredParameterException',
  InvalidNextToken: 'InvalidNextToken',
  ValidationError: 'ValidationException',
  InternalServiceError: 'InternalServiceFault',
};

export type CloudWatchErrorCode = keyof typeof SHAPES;

export class CloudWatchError extends AwsError {
  constructor(code: CloudWatchErrorCode, message: string, statusCode = 400) {
    super(code, message, statusCode);
  }
}

export const invalidValue = (message: string) => new CloudWatchError('InvalidParameterValue', message);
export const validationError = (message: string) => new CloudWatchError('ValidationError', message);

/**
 * The wire form of an error raised for a CloudWatch call: its body and the query-compatibility header. An
 * error raised before the service ran (throttling from the fault injector) keeps its own name.
 */
export function cloudWatchErrorWire(type: string, message: string, statusCode: number) {
  const shape = SHAPES[type];
  const fault = statusCode >= 500 ? 'Receiver' : 'Sender';
  return {
    body: { __type: shape ? `com.amazonaws.cloudwatch#${shape}` : type, message },
    headers: { 'x-amzn-query-error': `${type};${fault}` },
  };
}
