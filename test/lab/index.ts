// Programmatic API of the local lab (integration tests, demo, bench).
export { labUp, type LabUpOptions } from './up.js';
export { labDown, sshMuxPids } from './down.js';
export { labCheck, formatCheck, ETCDCTL_ENV, type LabCheck, type HostCheck } from './check.js';
export { readLabInfo, requireLabInfo, findHost, hostPath, readHostFile, type LabInfo, type LabHost } from './info.js';
export { labSettings, labVenv, labVenvFor, planHosts, REPO_DIR, STANDIN_DIR, type LabSettings } from './settings.js';
export { emulateRelease } from './config-file.js';
export { writeInventory, type InventoryOptions } from './inventory.js';
export { runPlaybook, startPlaybook, kubesprayEnv, playbookArgv, type PlaybookRun } from './ansible.js';
export { sshRun, sudoRun, sshArgv } from './ssh.js';
export { rekeyHost } from './rekey.js';
