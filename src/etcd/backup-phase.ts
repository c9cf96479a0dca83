// The pre-upgrade etcd backup hook. Replaced by the etcd-backup feature; undefined means "not available in this build".
import type { FlowContext } from '../flows/flow.js';

export const backupForUpgrade: ((fc: FlowContext) => Promise<void>) | undefined = undefined;
