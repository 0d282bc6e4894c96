// Stands in for @aws-sdk/credential-provider-node in Lambda bundles. Lambda hands every function its role's
// credentials in environment variables, so the full chain (ini files, SSO, IMDS, STS web identity) can never
// apply there, and it costs about 90 KiB of bundle and its load time.

import { fromEnv } from '@aws-sdk/credential-provider-env';

export const defaultProvider = (init?: Parameters<typeof fromEnv>[0]) => fromEnv(init);
