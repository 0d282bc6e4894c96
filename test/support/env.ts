// Environments for child processes the tests spawn (npm start, the sagebuild binary).

/** Variables that would point SageBuild at another config, endpoint or AWS account. */
const POINTING_ELSEWHERE = ['SAGEBUILD_CONFIG', 'AWS_ENDPOINT_URL', 'AWS_PROFILE', 'AWS_SESSION_TOKEN'];

/** The test's environment minus anything that would point SageBuild elsewhere, plus `extra` (which wins). */
export function cleanEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const key of POINTING_ELSEWHERE) delete env[key];
  return { ...env, ...extra };
}
