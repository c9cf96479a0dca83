// POSIX shell quoting, the one copy: remote commands are built from argv with it, and commands are displayed with it.
export const shq = (s: string) => (/^[\w@%+=:,./-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`);
export const shellJoin = (argv: readonly string[]) => argv.map(shq).join(' ');
