// The pre-upgrade etcd backup: the same backup as `kspray etcd-backup` (healthy member, verified transfer,
// retention from the config), taken inside the upgrade flow so it shares its lock, run record and Ctrl-C.
import type { FlowContext } from '../flows/flow.js';
import { takeBackup } from './backup.js';

export const backupForUpgrade: ((fc: FlowContext) => Promise<void>) | undefined = async (fc) => {
  const res = await takeBackup(fc, {});
  fc.reporter.success(`etcd backup ${res.file} (revision ${res.meta.revision}, sha256 ${res.meta.sha256.slice(0, 16)}…)`);
  fc.reporter.event({ type: 'etcd_backup', file: res.file, sha256: res.meta.sha256, revision: res.meta.revision });
};
