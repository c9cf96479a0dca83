// Typed errors and the one table that turns them into exit codes (see README "Exit codes").

export const ExitCode = {
  Ok: 0,
  Failure: 1,
  Usage: 2,
  Config: 3,
  Preflight: 4,
  HostsFailed: 5,
  HostsUnreachable: 6,
  Locked: 7,
  HostKey: 8,
  Aborted: 9,
  HealthWarn: 10,
  HealthFail: 11,
  Environment: 12,
  /** `plan`/`diff`: the config differs from what was applied */
  ChangesPending: 13,
  Interrupted: 130,
  Internal: 70,
} as const;
export type ExitCodeValue = (typeof ExitCode)[keyof typeof ExitCode];

export type ErrorCode =
  | 'ConfigInvalid'
  | 'ConfigNotFound'
  | 'ConfigExists'
  | 'BadArgument'
  | 'RenderConflict'
  | 'PreflightFailed'
  | 'HostsFailed'
  | 'HostsUnreachable'
  | 'HostKeyMismatch'
  | 'HostKeyUnknown'
  | 'Locked'
  | 'Aborted'
  | 'Interrupted'
  | 'ToolMissing'
  | 'SubprocessFailed'
  | 'BackupFailed'
  | 'EtcdUnhealthy'
  | 'KubeApi'
  | 'Io'
  | 'InventoryInvalid'
  | 'ImportRefused'
  | 'Internal';

const exitFor: Record<ErrorCode, ExitCodeValue> = {
  ConfigInvalid: ExitCode.Config,
  ConfigNotFound: ExitCode.Config,
  ConfigExists: ExitCode.Usage,
  BadArgument: ExitCode.Usage,
  RenderConflict: ExitCode.Failure,
  PreflightFailed: ExitCode.Preflight,
  HostsFailed: ExitCode.HostsFailed,
  HostsUnreachable: ExitCode.HostsUnreachable,
  HostKeyMismatch: ExitCode.HostKey,
  HostKeyUnknown: ExitCode.HostKey,
  Locked: ExitCode.Locked,
  Aborted: ExitCode.Aborted,
  Interrupted: ExitCode.Interrupted,
  ToolMissing: ExitCode.Environment,
  SubprocessFailed: ExitCode.Failure,
  BackupFailed: ExitCode.Failure,
  EtcdUnhealthy: ExitCode.Failure,
  KubeApi: ExitCode.Failure,
  Io: ExitCode.Failure,
  // an inventory to import that Ansible cannot read, or that cannot be imported faithfully: bad input, like a bad config
  InventoryInvalid: ExitCode.Config,
  ImportRefused: ExitCode.Config,
  Internal: ExitCode.Internal,
};

export interface KsprayErrorOptions {
  cause?: unknown;
  /** extra lines printed under the message (problems, hints) */
  details?: string[];
  hint?: string;
}

const brand = Symbol.for('kspray.error');

export class KsprayError extends Error {
  readonly [brand] = true;
  readonly code: ErrorCode;
  readonly details: string[];
  readonly hint?: string;
  constructor(code: ErrorCode, message: string, opts: KsprayErrorOptions = {}) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.name = 'KsprayError';
    this.code = code;
    this.details = opts.details ?? [];
    if (opts.hint !== undefined) this.hint = opts.hint;
  }
  get exitCode(): ExitCodeValue {
    return exitFor[this.code];
  }
}

export function isKsprayError(e: unknown): e is KsprayError {
  return typeof e === 'object' && e !== null && (e as Record<symbol, unknown>)[brand] === true;
}

export function exitCodeOf(e: unknown): ExitCodeValue {
  return isKsprayError(e) ? e.exitCode : ExitCode.Internal;
}
