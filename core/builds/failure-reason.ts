// A failure's cause, made readable: SageMaker's FailureReason out of a .sync task's JSON, without the
// SDK's "(Service: ...; Status Code: ...)" tail.

const SERVICE_TAIL = /\s*\(Service: [^)]*\)\s*$/;

export function readableCause(cause: string | undefined): string | undefined {
  if (!cause) return undefined;
  const fromJson = reasonInJson(cause);
  const text = (fromJson ?? cause).replace(SERVICE_TAIL, '').replace(/\s+/g, ' ').trim();
  return text || undefined;
}

function reasonInJson(cause: string): string | undefined {
  if (!cause.trimStart().startsWith('{')) return undefined;
  try {
    const parsed = JSON.parse(cause) as Record<string, unknown>;
    for (const field of ['FailureReason', 'errorMessage', 'Cause', 'message']) {
      const value = parsed[field];
      if (typeof value === 'string' && value) return readableCause(value) ?? value;
    }
  } catch {
    // Not JSON after all: the cause is plain text.
  }
  return undefined;
}

/**
 * SageMaker's own FailureReason inside a failed task's cause (a .sync task reports the whole describe
 * output), or undefined when the cause is something else, such as a Fail state's fixed words.
 */
export function sageMakerReason(cause: string | undefined): string | undefined {
  if (!cause?.trimStart().startsWith('{')) return undefined;
  try {
    const reason = (JSON.parse(cause) as Record<string, unknown>).FailureReason;
    return typeof reason === 'string' && reason ? readableCause(reason) : undefined;
  } catch {
    return undefined;
  }
}
