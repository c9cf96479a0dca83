// Remote commands are built from argv and quoted for the remote POSIX shell, never concatenated from user text.
export const shq = (s: string) => (/^[\w@%+=:,./-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`);
export const shellJoin = (argv: readonly string[]) => argv.map(shq).join(' ');
