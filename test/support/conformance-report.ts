// After each test file, hands what the strict stand-ins checked to local/conformance.ts's log file (when
// SAGEBUILD_CONFORMANCE_LOG is set): jest's workers never fire the process exit hook that plain runs use.

import { checkedCounts, writeCheckedCounts } from '../../local/conformance';

afterAll(() => {
  if (Object.keys(checkedCounts()).length > 0) writeCheckedCounts();
});
