// What every command receives: the reporter, the resolved config path and global flags.
import type { Reporter } from './io/reporter.js';

export interface CommandContext {
  reporter: Reporter;
  configPath: string;
  debug: boolean;
  cwd: string;
  env: NodeJS.ProcessEnv;
  /** what came after `--` on the command line, for ansible-playbook */
  ansibleArgs?: string[];
}
